package com.example.orderflow.demo.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A share group (KIP-932) on {@code orders}, verified on the cluster: 8 members in two
 * JVMs ({@link DispatchMembers}) on 6 partitions, every member receiving records; one JVM
 * {@code kill -9}ed while a member of it holds a record mid-handling, the record
 * delivered again (delivery count 2) to a member of the other JVM; a rejected record
 * never delivered again; and every order the drill had acknowledged delivered and
 * accepted, counted once the group has acknowledged past it.
 */
public final class ShareGroupDrill {

	static final String GROUP = ConsumerGroups.NOTIFICATION_DISPATCH;

	static final List<String> INSTANCES = List.of("dispatch-a", "dispatch-b");

	static final int MEMBERS_PER_INSTANCE = 4;

	// Group configs by name: their constants live in the broker's jars
	// (GroupConfig), not in the clients'.

	static final String ISOLATION_LEVEL = "share.isolation.level";

	static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";

	static final String RECORD_LOCK_DURATION = "share.record.lock.duration.ms";

	/** How far back a new group starts: {@code share.auto.offset.reset=by_duration}. */
	static final Duration REPLAY_ON_START = Duration.ofMinutes(1);

	/** How long a record stays with the member that took it before it goes back. */
	static final Duration RECORD_LOCK = Duration.ofSeconds(5);

	/**
	 * The group's settings, set on the group (Admin API, a {@code GROUP} config resource)
	 * so that they hold on any cluster this runs on, each with why.
	 */
	static final Map<String, String> GROUP_SETTINGS = groupSettings();

	static final Map<String, String> WHY = Map.of(ISOLATION_LEVEL,
			"orders is written in transactions: deliver committed orders only, never one of an aborted transaction",
			AUTO_OFFSET_RESET,
			"a new group starts with the orders of the last minute, not the whole history of orders: the place a share"
					+ " group starts from is fixed at its first fetch of a partition, which no Admin call shows, and the"
					+ " orders placed once the members are assigned are within that minute however late it comes; once"
					+ " started, the group keeps its place, and the next run resumes where it stopped",
			RECORD_LOCK_DURATION,
			"a record a member took and never acknowledged goes back to the group after 5 s (Kafka's default: 30 s)");

	/**
	 * As the scale drill's rebalance timeout: on a machine that two running systems
	 * share, the Admin API went unanswered for a whole minute.
	 */
	private static final Duration GROUP_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration POLL = Duration.ofMillis(250);

	/** Orders created, then cancelled: two records of one key. */
	private static final int PAIRS = 5;

	private final SystemProcesses processes;

	private final double ordersPerSecond;

	private final Consumer<String> progress;

	private final Consumer<String> diagrams;

	private final List<String> acknowledged = new CopyOnWriteArrayList<>();

	/** Every dispatch read so far, and when the drill first saw it. */
	private final List<Dispatch> dispatches = new ArrayList<>();

	private final Map<Dispatch, Double> seenAt = new HashMap<>();

	/** orderId to the partition and offset of its created record on {@code orders}. */
	private final Map<String, TopicPartitionOffset> orderRecords = new HashMap<>();

	private DrillReport report;

	/**
	 * @param ordersPerSecond the load the members share
	 * @param progress each step as it happens
	 * @param diagrams the group's members and their partitions
	 */
	public ShareGroupDrill(SystemProcesses processes, double ordersPerSecond, Consumer<String> progress,
			Consumer<String> diagrams) {
		this.processes = processes;
		this.ordersPerSecond = ordersPerSecond;
		this.progress = progress;
		this.diagrams = diagrams;
	}

	private record TopicPartitionOffset(int partition, long offset) {
	}

	/** The customerIds of every order this drill had acknowledged. */
	public List<String> acknowledged() {
		return List.copyOf(this.acknowledged);
	}

	public DrillReport run() {
		this.report = new DrillReport("share group %s: %d members in %d JVMs on %d partitions, one JVM killed"
			.formatted(GROUP, INSTANCES.size() * MEMBERS_PER_INSTANCE, INSTANCES.size(), Topics.PARTITIONS),
				this.progress);
		Map<String, MemberJvm> jvms = new LinkedHashMap<>();
		OrderLoad.Running load = null;
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties())) {
			Admin admin = cluster.admin();
			createDispatchesTopic(cluster);
			try (OutputLedger.TopicReader dispatchReader = new OutputLedger.TopicReader(
					this.processes.clientProperties(), Topics.NOTIFICATION_DISPATCHES)
				.fromNow();
					OutputLedger.TopicReader ordersReader = new OutputLedger.TopicReader(
							this.processes.clientProperties(), Topics.ORDERS)
						.fromNow()) {
				configureGroup(admin);
				List<String> members = new ArrayList<>();
				for (String instance : INSTANCES) {
					jvms.put(instance, MemberJvm.start(instance, DispatchMembers.class,
							this.processes.clientProperties(),
							List.of("--instance", instance, "--members", Integer.toString(MEMBERS_PER_INSTANCE))));
					for (int n = 1; n <= MEMBERS_PER_INSTANCE; n++) {
						members.add(instance + "-" + n);
					}
				}
				awaitAssigned(admin, members, jvms);
				OrdersClient orders = new OrdersClient(this.processes.serviceUri(Stack.ORDERS), this.progress);
				String tag = UUID.randomUUID().toString().substring(0, 8);
				load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, false)
					.start(this.ordersPerSecond, Duration.ofMinutes(3));
				String loadCustomers = "load-" + load.run() + "-";
				// Placed beside the load, while the members are watched.
				List<CompletableFuture<String>> placing = placePairs(tag);
				everyMemberReceives(dispatchReader, members, loadCustomers);
				List<String> pairs = placing.stream().map(CompletableFuture::join).toList();
				this.progress
					.accept("%d orders created and cancelled at once: two records of one key each".formatted(PAIRS));
				String held = memberDiesMidHandling(orders, tag, admin, dispatchReader, jvms);
				String rejected = rejectOne(orders, tag, admin, dispatchReader, loadCustomers);
				OrderLoad.Result result = load.stop();
				load = null;
				List<String> all = new ArrayList<>(
						result.acknowledged().stream().map(OrderLoad.Request::orderId).toList());
				all.addAll(pairs);
				all.add(held);
				this.acknowledged.addAll(result.acknowledged().stream().map(OrderLoad.Request::customerId).toList());
				noneLost(admin, ordersReader, dispatchReader, all, rejected);
				numbers(result, pairs, held);
				jvms.values().forEach((jvm) -> this.diagrams.accept(tail(jvm)));
			}
		}
		catch (RuntimeException ex) {
			this.report.failed("drill", ex);
			jvms.values().forEach((jvm) -> this.progress.accept(tail(jvm)));
		}
		finally {
			if (load != null) {
				load.stop();
			}
			jvms.values().forEach(MemberJvm::close);
		}
		return this.report;
	}

	private void createDispatchesTopic(ClusterChecks cluster) {
		NewTopic topic = new NewTopic(Topics.NOTIFICATION_DISPATCHES, Topics.PARTITIONS,
				LocalCluster.REPLICATION_FACTOR)
			.configs(Map.of("min.insync.replicas", Integer.toString(LocalCluster.MIN_INSYNC_REPLICAS)));
		if (cluster.createIfMissing(topic)) {
			this.progress.accept("created topic " + Topics.NOTIFICATION_DISPATCHES);
		}
	}

	/** The group's settings, set and read back. */
	private void configureGroup(Admin admin) {
		ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, GROUP);
		List<AlterConfigOp> operations = GROUP_SETTINGS.entrySet()
			.stream()
			.map((setting) -> new AlterConfigOp(new ConfigEntry(setting.getKey(), setting.getValue()),
					AlterConfigOp.OpType.SET))
			.toList();
		ClusterChecks.get(() -> admin.incrementalAlterConfigs(Map.of(group, operations)).all());
		Config config = ClusterChecks.get(() -> admin.describeConfigs(List.of(group)).all()).get(group);
		List<String> wrong = new ArrayList<>();
		GROUP_SETTINGS.forEach((name, value) -> {
			ConfigEntry entry = config.get(name);
			if (entry == null || !value.equals(entry.value())) {
				wrong.add(name + "=" + ((entry != null) ? entry.value() : "unset"));
			}
		});
		GROUP_SETTINGS
			.forEach((name, value) -> this.progress.accept("  %s=%s: %s".formatted(name, value, WHY.get(name))));
		this.report.check("group settings", wrong.isEmpty(),
				wrong.isEmpty() ? "set on the group and read back: " + GROUP_SETTINGS : "read back " + wrong);
	}

	/**
	 * Eight members, six partitions: every partition assigned, every member assigned at
	 * least one, before any order is placed.
	 */
	private void awaitAssigned(Admin admin, List<String> members, Map<String, MemberJvm> jvms) {
		long started = System.nanoTime();
		ShareGroupDescription group = await("the group to assign 6 partitions to " + members.size() + " members",
				GROUP_TIMEOUT, () -> {
					requireRunning(jvms);
					ShareGroupDescription description = ClusterChecks
						.get(() -> admin.describeShareGroups(List.of(GROUP)).describedGroups().get(GROUP));
					Set<String> clients = description.members()
						.stream()
						.map(ShareMemberDescription::clientId)
						.collect(Collectors.toCollection(TreeSet::new));
					boolean everyMember = description.members()
						.stream()
						.allMatch((member) -> !ordersPartitions(member).isEmpty());
					boolean ready = description.groupState() == GroupState.STABLE
							&& clients.equals(new TreeSet<>(members)) && everyMember
							&& assigned(description).size() == Topics.PARTITIONS;
					return ready ? Optional.of(description) : Optional.empty();
				});
		this.diagrams.accept(diagram(group));
		this.report.check("8 members on 6 partitions", true,
				"%d members, each assigned partitions of %s, all %d partitions assigned (%.1f s)".formatted(
						group.members().size(), Topics.ORDERS, Topics.PARTITIONS, (System.nanoTime() - started) / 1e9));
		this.report.number("members", group.members().size());
	}

	/** Each pair by a client of its own, at the same time. */
	private List<CompletableFuture<String>> placePairs(String tag) {
		List<CompletableFuture<String>> pairs = new ArrayList<>();
		for (int n = 1; n <= PAIRS; n++) {
			String customerId = "share-" + tag + "-pair-" + n;
			pairs.add(CompletableFuture.supplyAsync(() -> {
				OrdersClient orders = new OrdersClient(this.processes.serviceUri(Stack.ORDERS), this.progress);
				String orderId = orders.place(customerId);
				orders.cancel(orderId);
				return orderId;
				// A thread each: the common pool has one thread on two cores.
			}, (task) -> new Thread(task, "share-drill-" + customerId).start()));
		}
		return pairs;
	}

	private void everyMemberReceives(OutputLedger.TopicReader reader, List<String> members, String loadCustomers) {
		long started = System.nanoTime();
		try {
			await("every member to receive orders of the load", DELIVERY_TIMEOUT, () -> {
				read(reader);
				return Optional.of(ShareGroupChecks.everyMemberReceived(members, loadDispatches(loadCustomers)))
					.filter(ShareGroupChecks.Verdict::passed);
			});
		}
		catch (IllegalStateException ex) {
			// The check below tells who received nothing.
		}
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.everyMemberReceived(members, loadDispatches(loadCustomers));
		this.report.check("every member receives", verdict.passed(),
				verdict.detail() + " (%.1f s)".formatted((System.nanoTime() - started) / 1e9));
	}

	private List<Dispatch> loadDispatches(String loadCustomers) {
		return this.dispatches.stream()
			.filter((dispatch) -> dispatch.customerId() != null && dispatch.customerId().startsWith(loadCustomers))
			.toList();
	}

	/**
	 * @return the orderId of the order its member died with
	 */
	private String memberDiesMidHandling(OrdersClient orders, String tag, Admin admin, OutputLedger.TopicReader reader,
			Map<String, MemberJvm> jvms) {
		String orderId = orders.place("share-" + tag + DispatchMembers.DIES_MID_HANDLING);
		// Its cancellation follows at once: a second record of the key, free for any
		// member while the first is held.
		orders.cancel(orderId);
		Dispatch held = await("a member to take order " + orderId, DELIVERY_TIMEOUT,
				() -> dispatchesOf(reader, orderId, EventTypes.ORDER_CREATED).stream()
					.filter((dispatch) -> dispatch.outcome() == Dispatch.Outcome.HELD)
					.findFirst());
		MemberJvm victim = jvms.get(held.instance());
		List<String> partitionMembers = membersOf(admin, held.partition());
		double killedAt = this.report.seconds();
		victim.kill();
		this.progress.accept("%s holds order %s (%s %s) mid-handling: kill -9 of its JVM %s (pid %d)"
			.formatted(held.member(), orderId, Topics.ORDERS, held.record(), victim.name(), victim.pid()));
		Dispatch again = await("order " + orderId + " to be delivered again", DELIVERY_TIMEOUT,
				() -> dispatchesOf(reader, orderId, EventTypes.ORDER_CREATED).stream()
					.filter((dispatch) -> dispatch.position() > held.position())
					.findFirst());
		double afterKill = this.seenAt.get(again) - killedAt;
		double afterTaken = this.seenAt.get(again) - this.seenAt.get(held);
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.redeliveredElsewhere(orderId, held.instance(),
				this.dispatches);
		this.report.check("redelivered after a kill", verdict.passed(),
				("%s; %.1f s after the kill, %.1f s after it was taken (it goes back when the broker sees its member's"
						+ " connection close, its %d s lock expires or the session timeout drops the member; partition %d's"
						+ " members at the kill: %s%s)")
					.formatted(verdict.detail(), afterKill, afterTaken, RECORD_LOCK.toSeconds(), held.partition(),
							String.join(", ", partitionMembers),
							partitionMembers.stream().allMatch((member) -> member.startsWith(victim.name() + "-"))
									? ", all in the killed JVM: its next member comes with the group noticing them gone,"
											+ " after the 10 s session timeout"
									: ""));
		this.report.number("redelivery seconds after kill", "%.1f".formatted(afterKill));
		this.report.number("redelivery seconds after taken", "%.1f".formatted(afterTaken));
		return orderId;
	}

	/**
	 * @return the orderId of the rejected order
	 */
	private String rejectOne(OrdersClient orders, String tag, Admin admin, OutputLedger.TopicReader reader,
			String loadCustomers) {
		String orderId = orders.place("share-" + tag + DispatchMembers.REJECT);
		Dispatch rejected = await("a member to reject order " + orderId, DELIVERY_TIMEOUT,
				() -> dispatchesOf(reader, orderId, EventTypes.ORDER_CREATED).stream()
					.filter((dispatch) -> dispatch.outcome() == Dispatch.Outcome.REJECTED)
					.findFirst());
		double rejectedAt = this.seenAt.get(rejected);
		TopicPartition partition = new TopicPartition(Topics.ORDERS, rejected.partition());
		// Long enough for a redelivery to show: past its lock, the group's place past
		// it, and later orders delivered.
		await("the group to move past the rejected order, its lock to pass and later orders to be delivered",
				DELIVERY_TIMEOUT, () -> {
					read(reader);
					boolean lockPassed = this.report.seconds() - rejectedAt > RECORD_LOCK.toSeconds() + 1;
					long later = loadDispatches(loadCustomers).stream()
						.filter((dispatch) -> this.seenAt.get(dispatch) > rejectedAt + RECORD_LOCK.toSeconds())
						.count();
					boolean passed = isPast(startOffsets(admin).get(partition), rejected.offset());
					return (lockPassed && later > 0 && passed) ? Optional.of(later) : Optional.empty();
				});
		long later = loadDispatches(loadCustomers).stream()
			.filter((dispatch) -> this.seenAt.get(dispatch) > rejectedAt)
			.count();
		double waited = this.report.seconds() - rejectedAt;
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.rejectedOnce(orderId, this.dispatches);
		this.report.check("rejected, not delivered again", verdict.passed(),
				"%s: watched %.1f s (lock %d s), %d later deliveries, the group's start offset past it"
					.formatted(verdict.detail(), waited, RECORD_LOCK.toSeconds(), later));
		return orderId;
	}

	private void noneLost(Admin admin, OutputLedger.TopicReader ordersReader, OutputLedger.TopicReader reader,
			List<String> orderIds, String rejected) {
		long started = System.nanoTime();
		await("every acknowledged order on " + Topics.ORDERS, DELIVERY_TIMEOUT, () -> {
			readOrders(ordersReader);
			return this.orderRecords.keySet().containsAll(orderIds) ? Optional.of(true) : Optional.empty();
		});
		Map<Integer, Long> highest = new TreeMap<>();
		orderIds.forEach((orderId) -> {
			TopicPartitionOffset record = this.orderRecords.get(orderId);
			highest.merge(record.partition(), record.offset(), Math::max);
		});
		try {
			await("the group to acknowledge past every order of the drill", DELIVERY_TIMEOUT, () -> {
				Map<TopicPartition, SharePartitionOffsetInfo> offsets = startOffsets(admin);
				boolean past = highest.entrySet().stream().allMatch((entry) -> {
					return isPast(offsets.get(new TopicPartition(Topics.ORDERS, entry.getKey())), entry.getValue());
				});
				return past ? Optional.of(true) : Optional.empty();
			});
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + "; the drill's highest offsets " + highest
					+ ", the group's start offsets " + startOffsets(admin), ex);
		}
		read(reader);
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.noneLost(orderIds, this.dispatches);
		this.report.check("no record lost", verdict.passed(),
				verdict.detail() + " (counted once the group's start offsets passed them, %.1f s)"
					.formatted((System.nanoTime() - started) / 1e9));
		this.report.number("acknowledged", orderIds.size());
		this.report.number("missing", ShareGroupChecks.withoutAcceptedDelivery(orderIds, this.dispatches).size());
		this.report.number("rejected deliveries",
				this.dispatches.stream().filter((dispatch) -> rejected.equals(dispatch.orderId())).count());
	}

	private void numbers(OrderLoad.Result result, List<String> pairs, String held) {
		List<String> twoRecords = new ArrayList<>(pairs);
		twoRecords.add(held);
		ShareGroupChecks.KeyOrder order = ShareGroupChecks.keyOrder(twoRecords, this.dispatches);
		this.report.number("load orders", result.sent());
		this.report.number("deliveries", this.dispatches.size());
		this.report.number("redeliveries", this.dispatches.stream().filter((d) -> d.deliveryCount() > 1).count());
		this.report.number("created+cancelled orders", order.orders());
		this.report.number("their two records to two members", order.twoMembers());
		this.report.number("cancellation handled before creation", order.cancelledFirst());
		this.progress.accept(("per-key order, which a share group does not keep: of %d orders created then cancelled,"
				+ " %d had their two records handled by two members, %d had the cancellation handled before the"
				+ " creation%s")
			.formatted(order.orders(), order.twoMembers(), order.cancelledFirst(),
					order.cancelledFirstOrders().contains(held) ? " (the killed member's order among them)" : ""));
	}

	private List<Dispatch> dispatchesOf(OutputLedger.TopicReader reader, String orderId, String type) {
		read(reader);
		return this.dispatches.stream()
			.filter((dispatch) -> orderId.equals(dispatch.orderId()) && type.equals(dispatch.type()))
			.toList();
	}

	private void read(OutputLedger.TopicReader reader) {
		double now = this.report.seconds();
		for (ConsumerRecord<String, byte[]> record : reader.readNew()) {
			// Positions compare within a partition: one order's dispatches share one.
			Dispatch dispatch = Dispatch.fromJson(record.value(), record.offset());
			this.dispatches.add(dispatch);
			this.seenAt.put(dispatch, now);
		}
	}

	private void readOrders(OutputLedger.TopicReader reader) {
		for (ConsumerRecord<String, byte[]> record : reader.readNew()) {
			var type = record.headers().lastHeader(EventTypes.HEADER);
			if (type != null && EventTypes.ORDER_CREATED.equals(new String(type.value()))) {
				this.orderRecords.put(record.key(), new TopicPartitionOffset(record.partition(), record.offset()));
			}
		}
	}

	private static Map<TopicPartition, SharePartitionOffsetInfo> startOffsets(Admin admin) {
		Map<TopicPartition, SharePartitionOffsetInfo> offsets = ClusterChecks
			.get(() -> admin.listShareGroupOffsets(Map.of(GROUP, new ListShareGroupOffsetsSpec()))
				.partitionsToOffsetInfo(GROUP));
		Map<TopicPartition, SharePartitionOffsetInfo> orders = new HashMap<>();
		offsets.forEach((partition, info) -> {
			if (info != null && Topics.ORDERS.equals(partition.topic())) {
				orders.put(partition, info);
			}
		});
		return orders;
	}

	/**
	 * Whether the group is done with the record at this offset: its start offset (below
	 * which every record is acknowledged) is past it, or nothing of the partition is left
	 * unacknowledged (lag 0; the start offset the Admin API reports stays at the first
	 * record of the last state it wrote).
	 */
	static boolean isPast(SharePartitionOffsetInfo info, long offset) {
		return info != null && (info.startOffset() > offset
				|| (info.startOffset() >= 0 && info.lag().isPresent() && info.lag().get() == 0));
	}

	private static Set<Integer> ordersPartitions(ShareMemberDescription member) {
		return member.assignment()
			.topicPartitions()
			.stream()
			.filter((partition) -> Topics.ORDERS.equals(partition.topic()))
			.map(TopicPartition::partition)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** The members assigned a partition of orders now. */
	private static List<String> membersOf(Admin admin, int partition) {
		try {
			return ClusterChecks.get(() -> admin.describeShareGroups(List.of(GROUP)).describedGroups().get(GROUP))
				.members()
				.stream()
				.filter((member) -> ordersPartitions(member).contains(partition))
				.map(ShareMemberDescription::clientId)
				.sorted()
				.toList();
		}
		catch (IllegalStateException ex) {
			return List.of("(not read: " + ex.getMessage() + ")");
		}
	}

	private static Set<Integer> assigned(ShareGroupDescription group) {
		return group.members()
			.stream()
			.flatMap((member) -> ordersPartitions(member).stream())
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** Who is assigned what, and each partition's members: some partitions have two. */
	static String diagram(ShareGroupDescription group) {
		Map<Integer, List<String>> byPartition = new TreeMap<>();
		StringBuilder text = new StringBuilder("  share group %s, %s, %d members on %d partitions of %s%n"
			.formatted(GROUP, group.groupState(), group.members().size(), Topics.PARTITIONS, Topics.ORDERS));
		group.members()
			.stream()
			.sorted(java.util.Comparator.comparing(ShareMemberDescription::clientId))
			.forEach((member) -> {
				Set<Integer> partitions = ordersPartitions(member);
				partitions
					.forEach((p) -> byPartition.computeIfAbsent(p, (k) -> new ArrayList<>()).add(member.clientId()));
				text.append("    %-14s partitions %s%n".formatted(member.clientId(),
						partitions.stream().map((p) -> "p" + p).collect(Collectors.joining(" "))));
			});
		byPartition.forEach((partition, members) -> text
			.append("    p%d  shared by %s%n".formatted(partition, String.join(", ", members))));
		return text.toString();
	}

	private static void requireRunning(Map<String, MemberJvm> jvms) {
		for (MemberJvm jvm : jvms.values()) {
			if (!jvm.isRunning()) {
				throw new IllegalStateException(jvm.name() + " ended: " + jvm.logTail(20));
			}
		}
	}

	private static String tail(MemberJvm jvm) {
		return "  " + jvm.name() + " (last lines of its log):" + System.lineSeparator()
				+ jvm.logTail(MEMBERS_PER_INSTANCE + 2)
					.lines()
					.map((line) -> "    " + line)
					.collect(Collectors.joining(System.lineSeparator()))
				+ System.lineSeparator();
	}

	private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		RuntimeException last = null;
		while (System.nanoTime() < deadline) {
			try {
				Optional<T> value = condition.get();
				if (value.isPresent()) {
					return value.get();
				}
			}
			catch (IllegalStateException ex) {
				if (ex.getMessage() != null && ex.getMessage().contains(" ended: ")) {
					throw ex;
				}
				last = ex;
			}
			ClusterChecks.pause(POLL);
		}
		throw new IllegalStateException("Waited %d s for %s%s".formatted(timeout.toSeconds(), what,
				(last != null) ? "; last error: " + last.getMessage() : ""));
	}

	private static Map<String, String> groupSettings() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put(ISOLATION_LEVEL, "read_committed");
		settings.put(AUTO_OFFSET_RESET, "by_duration:" + REPLAY_ON_START);
		settings.put(RECORD_LOCK_DURATION, Long.toString(RECORD_LOCK.toMillis()));
		return java.util.Collections.unmodifiableMap(settings);
	}

}
