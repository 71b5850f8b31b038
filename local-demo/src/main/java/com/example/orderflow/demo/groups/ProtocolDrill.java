package com.example.orderflow.demo.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.AssignmentWatch;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.GroupAssignments;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.HandlingRuns;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * The classic and the consumer rebalance protocol (KIP-848) side by side, on the same
 * steps: a demo group of 3 members reading {@code orders} (2 partitions each), one of
 * them {@code kill -9}ed while orders flow (2 members, 3 each), then 5 more joining (7
 * members, one idle). Each protocol has its own group and output topic, and both have the
 * same failure detection: the classic members' {@code session.timeout.ms} and
 * {@code heartbeat.interval.ms} are read from the brokers' {@code group.consumer.*},
 * which the consumer protocol uses. From the committed outputs: how soon the dead
 * member's partitions were handled by another, and whether the others paused meanwhile;
 * counted after the group drained: exactly one output per order.
 */
public final class ProtocolDrill {

	/** The protocols in the order they run, and their demo groups. */
	public static final Map<String, String> GROUPS = groups();

	private static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration OUTPUTS_TIMEOUT = Duration.ofSeconds(120);

	/** Orders flow this long before each step, so each step has outputs before it. */
	private static final Duration SETTLE = Duration.ofSeconds(3);

	private final SystemProcesses processes;

	private final double ordersPerSecond;

	private final Consumer<String> progress;

	private final Consumer<String> diagrams;

	private final List<Figures> figures = new ArrayList<>();

	/**
	 * @param ordersPerSecond the load during each protocol's steps: enough outputs per
	 * second that a pause shows (40/s: about 7 per partition and second)
	 * @param progress each step as it happens
	 * @param diagrams the group after each step, and the comparison at the end
	 */
	public ProtocolDrill(SystemProcesses processes, double ordersPerSecond, Consumer<String> progress,
			Consumer<String> diagrams) {
		this.processes = processes;
		this.ordersPerSecond = ordersPerSecond;
		this.progress = progress;
		this.diagrams = diagrams;
	}

	private static Map<String, String> groups() {
		Map<String, String> groups = new LinkedHashMap<>();
		groups.put("classic", ConsumerGroups.PROTOCOL_CLASSIC);
		groups.put("consumer", ConsumerGroups.PROTOCOL_CONSUMER);
		return Collections.unmodifiableMap(groups);
	}

	/**
	 * What one protocol's run measured, in milliseconds: how soon the dead member's
	 * partitions had outputs by another member; how long records waited for their outputs
	 * on the partitions that kept their owner, during the kill's rebalance and the join's
	 * (and in the quiet seconds before each); -1 where nothing was there to measure.
	 */
	public record Figures(String protocol, long takenOverMs, long joinSettledMs, int keptAtKill, long killWaitMs,
			long killQuietWaitMs, int keptAtJoin, long joinWaitMs, long joinQuietWaitMs) {
	}

	/**
	 * Both protocols at once, step by step: the same orders, the same moment of the kill
	 * and of the join, the same machine; then the comparison.
	 */
	public DrillReport run() {
		DrillReport report = new DrillReport("classic and consumer rebalance protocol: 3 members, kill -9 one, 7",
				this.progress);
		List<Side> sides = new ArrayList<>();
		OrderLoad.Running load = null;
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties());
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties());
				InputWatch inputs = new InputWatch(this.processes.clientProperties())) {
			Admin admin = cluster.admin();
			Timeouts timeouts = Timeouts.of(admin);
			report.check("equal failure detection", true,
					"both protocols: a member is gone after %d ms without a heartbeat, heartbeats every %d ms (the brokers' group.consumer.*, the classic members' own settings)"
						.formatted(timeouts.sessionMs(), timeouts.heartbeatMs()));
			GROUPS.forEach((protocol, group) -> sides.add(new Side(cluster, protocol, group, timeouts)));
			sides.forEach((side) -> side.start("a", 2, true));
			sides.forEach((side) -> side.victim = side.start("b", 1, true));
			// Started now, connected, joining only when told: the join is not a JVM's
			// start.
			sides.forEach((side) -> side.newcomers = side.start("c", 5, false));
			awaitShapes(admin, sides, 3, List.of(2, 2, 2)).forEach((side, three) -> {
				report.check(side.protocol + ": 3 members", true, "2 partitions each: " + owners(three));
				this.diagrams.accept(three.diagram(3));
			});
			load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, false)
				.start(this.ordersPerSecond, Duration.ofMinutes(3));
			ClusterChecks.pause(SETTLE);
			long killedAt = System.currentTimeMillis();
			sides.forEach((side) -> side.kill(admin, killedAt));
			awaitShapes(admin, sides, 2, List.of(3, 3)).forEach((side, two) -> {
				side.two = two;
				report.check(side.protocol + ": kill -9 one", true,
						"2 members, 3 partitions each, %.1f s after the kill: %s"
							.formatted((side.ownedAt - killedAt) / 1e3, owners(two)));
				this.diagrams.accept(two.diagram(2));
			});
			ClusterChecks.pause(SETTLE);
			long startedAt = System.currentTimeMillis();
			sides.forEach((side) -> side.newcomers.tell("join"));
			awaitShapes(admin, sides, 7, List.of(1, 1, 1, 1, 1, 1)).forEach((side, seven) -> {
				side.seven = seven;
				// The rebalance starts when the last of them asks to join (their JVM's
				// log).
				side.joinAt = GroupMembers.lastJoin(side.newcomers.log(), 5).orElse(startedAt);
				report.check(side.protocol + ": 7 members, one idle", true,
						"5 joined (%.1f s after they were told), settled %.1f s later: %s".formatted(
								(side.joinAt - startedAt) / 1e3, (side.joinedAt - side.joinAt) / 1e3, owners(seven)));
				this.diagrams.accept(seven.diagram(7));
			});
			ClusterChecks.pause(SETTLE);
			OrderLoad.Result result = load.stop();
			load = null;
			List<String> acknowledged = result.acknowledged().stream().map(OrderLoad.Request::customerId).toList();
			List<String> refused = result.notAccepted().stream().map(OrderLoad.Request::customerId).toList();
			OutputLedger.Count count = ledger.await(acknowledged, refused, List.copyOf(GROUPS.values()),
					OUTPUTS_TIMEOUT, this.progress);
			for (Side side : sides) {
				OutputLedger.GroupCount group = count.groups().get(side.group);
				report.check(side.protocol + ": one output per order",
						!acknowledged.isEmpty() && count.acknowledgedButMissing() == 0 && count.acknowledgedTwice() == 0
								&& group.duplicates() == 0 && group.missing() == 0,
						"%d acknowledged orders, each answered once by %s across the kill and the join (duplicates %d, missing %d)"
							.formatted(acknowledged.size(), side.group, group.duplicates(), group.missing()));
				List<ConsumerRecord<String, byte[]>> written = side.outputs.readNew();
				oneOwnerAtATime(report, side.protocol, side.watch, written);
				Figures measured = side.measure(written, inputs);
				this.figures.add(measured);
				report.number(side.protocol + " taken over after ms", measured.takenOverMs());
				report.number(side.protocol + " kill: longest wait on kept partitions ms", measured.killWaitMs());
				report.number(side.protocol + " join: longest wait on kept partitions ms", measured.joinWaitMs());
			}
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
			sides.forEach((side) -> side.jvms
				.forEach((jvm) -> this.progress.accept(jvm.name() + " log:\n" + jvm.logTail(15))));
		}
		finally {
			if (load != null) {
				load.stop();
			}
			sides.forEach(Side::close);
		}
		if (!this.figures.isEmpty()) {
			this.diagrams.accept(comparison());
		}
		return report;
	}

	/** The figures of the protocols that ran. */
	public List<Figures> figures() {
		return List.copyOf(this.figures);
	}

	/**
	 * Waits until every side's group is stable with that many members, every partition
	 * owned and the shares as given; notes when each got there.
	 */
	private static Map<Side, GroupAssignments> awaitShapes(Admin admin, List<Side> sides, int members,
			List<Integer> shares) {
		Map<Side, GroupAssignments> reached = new LinkedHashMap<>();
		Map<Side, GroupAssignments> last = new HashMap<>();
		long deadline = System.nanoTime() + REBALANCE_TIMEOUT.toNanos();
		while (reached.size() < sides.size()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("not every group reached %s with %d members within %s; last seen: %s"
					.formatted(shares, members, REBALANCE_TIMEOUT,
							last.values()
								.stream()
								.map((group) -> group.group() + " " + group.state() + " " + group.members().size()
										+ " members, shares " + group.shares())
								.toList()));
			}
			for (Side side : sides) {
				if (reached.containsKey(side)) {
					continue;
				}
				try {
					GroupAssignments group = GroupAssignments.read(admin, side.group);
					last.put(side, group);
					if (group.has(members, shares)) {
						side.reached(members, System.currentTimeMillis());
						reached.put(side, group);
					}
				}
				catch (RuntimeException ex) {
					// The coordinator may be moving: ask again.
				}
			}
			ClusterChecks.pause(Duration.ofMillis(100));
		}
		Map<Side, GroupAssignments> inOrder = new LinkedHashMap<>();
		sides.forEach((side) -> inOrder.put(side, reached.get(side)));
		return inOrder;
	}

	/** One protocol's demo group, its member JVMs and what the drill noted of it. */
	private final class Side implements AutoCloseable {

		private final String protocol;

		private final String group;

		private final String output;

		/** The classic members' own timeouts; none for the consumer protocol. */
		private final List<String> timeouts;

		private final List<MemberJvm> jvms = new ArrayList<>();

		private final AssignmentWatch watch;

		private final OutputLedger.TopicReader outputs;

		private MemberJvm victim;

		private MemberJvm newcomers;

		private GroupAssignments before;

		private GroupAssignments two;

		private GroupAssignments seven;

		/** Each partition of the killed member, and its name (its outputs carry it). */
		private final Map<Integer, String> held = new HashMap<>();

		private long killedAt;

		private long ownedAt;

		private long joinAt;

		private long joinedAt;

		Side(ClusterChecks cluster, String protocol, String group, Timeouts timeouts) {
			this.protocol = protocol;
			this.group = group;
			this.output = OutputLedger.OUTPUT_OF_GROUP.get(group);
			this.timeouts = protocol.equals("classic")
					? List.of(Long.toString(timeouts.sessionMs()), Long.toString(timeouts.heartbeatMs())) : List.of();
			cluster.createIfMissing(new NewTopic(this.output, Optional.of(Topics.PARTITIONS), Optional.empty()));
			startAtTheEnd(cluster.admin(), group);
			this.watch = new AssignmentWatch(ProtocolDrill.this.processes.clientProperties(), group);
			this.outputs = new OutputLedger.TopicReader(ProtocolDrill.this.processes.clientProperties(), this.output)
				.fromNow();
			ProtocolDrill.this.progress
				.accept("%s protocol: group %s, writing %s".formatted(protocol, group, this.output));
		}

		MemberJvm start(String jvm, int count, boolean joinNow) {
			String instance = this.group + "-" + jvm;
			List<String> arguments = new ArrayList<>(List.of(this.protocol, this.group, this.output, instance,
					Integer.toString(count), joinNow ? "now" : GroupMembers.ON_SIGNAL));
			arguments.addAll(this.timeouts);
			MemberJvm started = MemberJvm.start(instance, GroupMembers.class,
					ProtocolDrill.this.processes.clientProperties(), arguments);
			this.jvms.add(started);
			ProtocolDrill.this.progress.accept("started %s (pid %d): %d member(s) of %s%s".formatted(instance,
					started.pid(), count, this.group, joinNow ? "" : ", to join when told"));
			return started;
		}

		void kill(Admin admin, long at) {
			this.before = GroupAssignments.read(admin, this.group);
			this.before.members()
				.stream()
				.filter((member) -> member.clientId().startsWith(this.victim.name()))
				.forEach((member) -> member.partitions()
					.forEach((partition) -> this.held.put(partition, member.clientId())));
			this.killedAt = at;
			this.victim.kill();
			ProtocolDrill.this.progress.accept("%s killed (kill -9, pid %d): its partitions %s wait for its session"
				.formatted(this.victim.name(), this.victim.pid(), this.held.keySet()));
		}

		void reached(int members, long at) {
			if (members == 2) {
				this.ownedAt = at;
			}
			else if (members == 7) {
				this.joinedAt = at;
			}
		}

		Figures measure(List<ConsumerRecord<String, byte[]>> written, InputWatch inputs) {
			return ProtocolDrill.measure(this.protocol, written, inputs, this.held,
					List.of(this.before, this.two, this.seven),
					List.of(this.killedAt, this.ownedAt, this.joinAt, this.joinedAt));
		}

		@Override
		public void close() {
			this.jvms.forEach(MemberJvm::close);
			this.watch.close();
			this.outputs.close();
		}

	}

	private void oneOwnerAtATime(DrillReport report, String protocol, AssignmentWatch watch,
			List<ConsumerRecord<String, byte[]>> written) {
		List<String> violations = watch.violations();
		List<HandlingRuns.Handled> handled = written.stream()
			.flatMap((record) -> HandlingRuns.Handled.of(record).stream())
			.toList();
		List<String> interleavings = HandlingRuns.interleavings(handled);
		boolean passed = violations.isEmpty() && watch.snapshots() > 0 && !handled.isEmpty() && interleavings.isEmpty();
		report.check(protocol + ": one owner at a time", passed, passed
				? "%d snapshots of the group, no partition with two owners; %d outputs, per partition their members' runs never interleave"
					.formatted(watch.snapshots(), handled.size())
				: String.valueOf(violations.isEmpty() ? interleavings : violations));
	}

	/**
	 * @param groups the group with 3 members, after the kill, after the join
	 * @param times when the member was killed, the group had 2 members, the 5 joined and
	 * the group had 7 (epoch ms)
	 */
	private static Figures measure(String protocol, List<ConsumerRecord<String, byte[]>> written, InputWatch inputs,
			Map<Integer, String> held, List<GroupAssignments> groups, List<Long> times) {
		List<RebalancePauses.Output> outputs = new ArrayList<>();
		for (ConsumerRecord<String, byte[]> record : written) {
			HandlingRuns.Handled.of(record).ifPresent((handled) -> {
				int partition = partitionOf(handled.partition());
				inputs.readableAt(partition, handled.offset())
					.ifPresent((readable) -> outputs
						.add(new RebalancePauses.Output(partition, handled.instance(), readable, record.timestamp())));
			});
		}
		long killedAt = times.get(0);
		long joinAt = times.get(2);
		long settle = SETTLE.toMillis();
		Set<Integer> keptAtKill = RebalancePauses.keptTheirOwner(ownerNames(groups.get(0)), ownerNames(groups.get(1)));
		Set<Integer> keptAtJoin = RebalancePauses.keptTheirOwner(ownerNames(groups.get(1)), ownerNames(groups.get(2)));
		return new Figures(protocol, RebalancePauses.takenOverAfter(outputs, held, killedAt).orElse(-1),
				times.get(3) - joinAt, keptAtKill.size(),
				RebalancePauses.longestWait(outputs, keptAtKill, killedAt, times.get(1) + settle).orElse(-1),
				RebalancePauses.longestWait(outputs, keptAtKill, killedAt - settle, killedAt).orElse(-1),
				keptAtJoin.size(),
				RebalancePauses.longestWait(outputs, keptAtJoin, joinAt, times.get(3) + settle).orElse(-1),
				RebalancePauses.longestWait(outputs, keptAtJoin, joinAt - settle, joinAt).orElse(-1));
	}

	/** Each owned partition and its owner's name (client id, as its outputs say). */
	private static Map<Integer, String> ownerNames(GroupAssignments group) {
		Map<Integer, String> owners = new HashMap<>();
		group.members()
			.forEach((member) -> member.partitions().forEach((partition) -> owners.put(partition, member.clientId())));
		return owners;
	}

	/** {@code orders-3} → 3. */
	private static int partitionOf(String inputPartition) {
		return Integer.parseInt(inputPartition.substring(inputPartition.lastIndexOf('-') + 1));
	}

	private String comparison() {
		TextTable table = new TextTable();
		table.row("protocol", "dead member's partitions", "kill: kept partitions' longest wait (quiet)",
				"join of 5: settled", "kept partitions' longest wait (quiet)");
		for (Figures figures : this.figures) {
			table.row(figures.protocol(),
					(figures.takenOverMs() < 0) ? "never handled again"
							: "handled again %.1f s after the kill".formatted(figures.takenOverMs() / 1e3),
					"%d kept: %s (%s)".formatted(figures.keptAtKill(), seconds(figures.killWaitMs()),
							seconds(figures.killQuietWaitMs())),
					"after " + seconds(figures.joinSettledMs()), "%d kept: %s (%s)".formatted(figures.keptAtJoin(),
							seconds(figures.joinWaitMs()), seconds(figures.joinQuietWaitMs())));
		}
		return table.render("  ");
	}

	private static String seconds(long millis) {
		return (millis < 0) ? "-" : "%.2f s".formatted(millis / 1e3);
	}

	private static String owners(GroupAssignments group) {
		return group.members()
			.stream()
			.map((member) -> member.clientId() + " " + member.partitions())
			.collect(Collectors.joining(", "));
	}

	/**
	 * A run starts with the group's offsets at the end of {@code orders}: the group of an
	 * earlier run (maybe of the other protocol type) is deleted first.
	 */
	private static void startAtTheEnd(Admin admin, String group) {
		try {
			ClusterChecks.get(() -> admin.deleteConsumerGroups(List.of(group)).all());
		}
		catch (IllegalStateException ex) {
			if (!(ex.getCause() instanceof GroupIdNotFoundException)) {
				throw new IllegalStateException("Could not delete the group " + group
						+ " of an earlier run (do members of it still run?): " + ex.getMessage(), ex);
			}
		}
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
			latest.put(new TopicPartition(Topics.ORDERS, partition), OffsetSpec.latest());
		}
		Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
		ClusterChecks.get(() -> admin.listOffsets(latest).all())
			.forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
		ClusterChecks.get(() -> admin.alterConsumerGroupOffsets(group, ends).all());
	}

	/** The brokers' failure detection for groups on the consumer protocol. */
	record Timeouts(long sessionMs, long heartbeatMs) {

		static Timeouts of(Admin admin) {
			String node = String
				.valueOf(ClusterChecks.get(() -> admin.describeCluster().nodes()).iterator().next().id());
			ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
			Config config = ClusterChecks.get(() -> admin.describeConfigs(List.of(broker)).all()).get(broker);
			return new Timeouts(Long.parseLong(config.get("group.consumer.session.timeout.ms").value()),
					Long.parseLong(config.get("group.consumer.heartbeat.interval.ms").value()));
		}

	}

}
