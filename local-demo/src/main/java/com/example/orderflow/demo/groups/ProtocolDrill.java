package com.example.orderflow.demo.groups;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.AssignmentWatch;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.GroupAssignments;
import com.example.orderflow.demo.drill.HandlingRuns;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;

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

	/** Both protocols, one after the other, and the comparison. */
	public DrillReport run() {
		DrillReport report = new DrillReport("classic and consumer rebalance protocol: 3 members, kill -9 one, 7",
				this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties())) {
			Admin admin = cluster.admin();
			Timeouts timeouts = Timeouts.of(admin);
			report.check("equal failure detection", true,
					"both protocols: a member is gone after %d ms without a heartbeat, heartbeats every %d ms (the brokers' group.consumer.*, the classic members' own settings)"
						.formatted(timeouts.sessionMs(), timeouts.heartbeatMs()));
			for (Map.Entry<String, String> protocol : GROUPS.entrySet()) {
				runOne(report, admin, protocol.getKey(), protocol.getValue(), timeouts);
			}
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
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

	private void runOne(DrillReport report, Admin admin, String protocol, String group, Timeouts timeouts) {
		String output = OutputLedger.OUTPUT_OF_GROUP.get(group);
		this.progress.accept("━ %s protocol: group %s, writing %s".formatted(protocol, group, output));
		createTopic(admin, output);
		startAtTheEnd(admin, group);
		List<String> classic = protocol.equals("classic")
				? List.of(Long.toString(timeouts.sessionMs()), Long.toString(timeouts.heartbeatMs())) : List.of();
		List<MemberJvm> jvms = new ArrayList<>();
		OrderLoad.Running load = null;
		try (AssignmentWatch watch = new AssignmentWatch(this.processes.clientProperties(), group);
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties());
				OutputLedger.TopicReader outputs = new OutputLedger.TopicReader(this.processes.clientProperties(),
						output)
					.fromNow()) {
			jvms.add(members(protocol, group, output, "a", 2, classic));
			MemberJvm victim = members(protocol, group, output, "b", 1, classic);
			jvms.add(victim);
			GroupAssignments three = await(admin, group, 3, List.of(2, 2, 2));
			report.check(protocol + ": 3 members", true, "2 partitions each: " + owners(three));
			this.diagrams.accept(three.diagram(3));
			load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, false)
				.start(this.ordersPerSecond, Duration.ofMinutes(3));
			ClusterChecks.pause(SETTLE);
			GroupAssignments before = GroupAssignments.read(admin, group);
			// Each partition of the member about to be killed, and its name (its client
			// id,
			// which its outputs carry).
			Map<Integer, String> held = new HashMap<>();
			before.members()
				.stream()
				.filter((member) -> member.clientId().startsWith(victim.name()))
				.forEach(
						(member) -> member.partitions().forEach((partition) -> held.put(partition, member.clientId())));
			long killedAt = System.currentTimeMillis();
			victim.kill();
			this.progress.accept("%s killed (kill -9, pid %d): its partitions %s wait for its session to time out"
				.formatted(victim.name(), victim.pid(), held.keySet()));
			GroupAssignments two = await(admin, group, 2, List.of(3, 3));
			long ownedAt = System.currentTimeMillis();
			report.check(protocol + ": kill -9 one", true, "2 members, 3 partitions each, %.1f s after the kill: %s"
				.formatted((ownedAt - killedAt) / 1e3, owners(two)));
			this.diagrams.accept(two.diagram(2));
			ClusterChecks.pause(SETTLE);
			long startedAt = System.currentTimeMillis();
			MemberJvm newcomers = members(protocol, group, output, "c", 5, classic);
			jvms.add(newcomers);
			GroupAssignments seven = await(admin, group, 7, List.of(1, 1, 1, 1, 1, 1));
			long joinedAt = System.currentTimeMillis();
			// The rebalance starts when the last of them asks to join (their JVM's log).
			long joinAt = GroupMembers.lastJoin(newcomers.log(), 5).orElse(startedAt);
			report.check(protocol + ": 7 members, one idle", true,
					"5 joined (%.1f s after their JVM started), settled %.1f s later: %s"
						.formatted((joinAt - startedAt) / 1e3, (joinedAt - joinAt) / 1e3, owners(seven)));
			this.diagrams.accept(seven.diagram(7));
			ClusterChecks.pause(SETTLE);
			OrderLoad.Result result = load.stop();
			load = null;
			List<String> acknowledged = result.acknowledged().stream().map(OrderLoad.Request::customerId).toList();
			List<String> refused = result.notAccepted().stream().map(OrderLoad.Request::customerId).toList();
			OutputLedger.Count count = ledger.await(acknowledged, refused, List.of(group), OUTPUTS_TIMEOUT,
					this.progress);
			report.check(protocol + ": one output per order", count.exactlyOnce() && !acknowledged.isEmpty(),
					"%d acknowledged orders, each answered once by %s across the kill and the join (duplicates %d, missing %d)"
						.formatted(acknowledged.size(), group, count.duplicates(), count.missing()));
			List<ConsumerRecord<String, byte[]>> written = outputs.readNew();
			oneOwnerAtATime(report, protocol, watch, written);
			Figures measured = measure(protocol, written, held, List.of(before, two, seven),
					List.of(killedAt, ownedAt, joinAt, joinedAt));
			this.figures.add(measured);
			report.number(protocol + " taken over after ms", measured.takenOverMs());
			report.number(protocol + " kill: longest wait on kept partitions ms", measured.killWaitMs());
			report.number(protocol + " join: longest wait on kept partitions ms", measured.joinWaitMs());
		}
		catch (RuntimeException ex) {
			report.failed(protocol, ex);
			jvms.forEach((jvm) -> this.progress.accept(jvm.name() + " log:\n" + jvm.logTail(15)));
		}
		finally {
			if (load != null) {
				load.stop();
			}
			jvms.forEach(MemberJvm::close);
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
	 * @param times when the member was killed, the group had 2 members, the 5 started and
	 * the group had 7 (epoch ms)
	 */
	private Figures measure(String protocol, List<ConsumerRecord<String, byte[]>> written, Map<Integer, String> held,
			List<GroupAssignments> groups, List<Long> times) {
		List<RebalancePauses.Output> outputs = written.stream()
			.flatMap((record) -> HandlingRuns.Handled.of(record)
				.map((handled) -> new RebalancePauses.Output(partitionOf(handled.partition()), handled.instance(),
						inputTimestamp(record), record.timestamp()))
				.stream())
			.toList();
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

	private static long inputTimestamp(ConsumerRecord<String, byte[]> output) {
		Header header = output.headers().lastHeader(GroupMembers.INPUT_TIMESTAMP);
		return (header != null) ? Long.parseLong(new String(header.value(), StandardCharsets.UTF_8)) : -1;
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

	private MemberJvm members(String protocol, String group, String output, String jvm, int count,
			List<String> classic) {
		String instance = group + "-" + jvm;
		List<String> arguments = new ArrayList<>(List.of(protocol, group, output, instance, Integer.toString(count)));
		arguments.addAll(classic);
		MemberJvm started = MemberJvm.start(instance, GroupMembers.class, this.processes.clientProperties(), arguments);
		this.progress
			.accept("started %s (pid %d): %d member(s) of %s".formatted(instance, started.pid(), count, group));
		return started;
	}

	private GroupAssignments await(Admin admin, String group, int members, List<Integer> shares) {
		return GroupAssignments.await(admin, group, members, shares, REBALANCE_TIMEOUT);
	}

	private static String owners(GroupAssignments group) {
		return group.members()
			.stream()
			.map((member) -> member.clientId() + " " + member.partitions())
			.collect(Collectors.joining(", "));
	}

	private static void createTopic(Admin admin, String topic) {
		try {
			admin.createTopics(List.of(new NewTopic(topic, Optional.of(Topics.PARTITIONS), Optional.empty())))
				.all()
				.get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException("Could not create " + topic + ": " + ex.getCause().getMessage(), ex);
			}
		}
		catch (InterruptedException | TimeoutException ex) {
			throw new IllegalStateException("Could not create " + topic, ex);
		}
	}

	/**
	 * A run starts with the group's offsets at the end of {@code orders}: the group of an
	 * earlier run (maybe of the other protocol type) is deleted first.
	 */
	private void startAtTheEnd(Admin admin, String group) {
		try {
			try {
				admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof GroupIdNotFoundException)) {
					throw new IllegalStateException("Could not delete the group " + group
							+ " of an earlier run (do members of it still run?): " + ex.getCause().getMessage(), ex);
				}
			}
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				latest.put(new TopicPartition(Topics.ORDERS, partition), OffsetSpec.latest());
			}
			Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
			admin.listOffsets(latest)
				.all()
				.get(30, TimeUnit.SECONDS)
				.forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
			admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not set the offsets of " + group + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** The brokers' failure detection for groups on the consumer protocol. */
	record Timeouts(long sessionMs, long heartbeatMs) {

		static Timeouts of(Admin admin) {
			try {
				String node = String
					.valueOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id());
				ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
				Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
				return new Timeouts(Long.parseLong(config.get("group.consumer.session.timeout.ms").value()),
						Long.parseLong(config.get("group.consumer.heartbeat.interval.ms").value()));
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Could not read the brokers' group timeouts: " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

	}

}
