package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.HandlingRuns;
import org.apache.kafka.clients.admin.Admin;

/**
 * A consumer group sharing work, seen from the cluster: one service scaled to 3 instances
 * (6 partitions, 2 each), one of them {@code kill -9}ed while orders flow (the other two
 * take 3 each, nothing lost, nothing twice), then 7 instances (one idle), then back to 1.
 * A watch reads the group's assignment every 200 ms throughout and fails the drill if a
 * partition ever has two owners.
 */
public final class ScaleDrill {

	private static final Duration REBALANCE_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration OUTPUTS_TIMEOUT = Duration.ofSeconds(180);

	private final SystemProcesses processes;

	private final String service;

	private final Consumer<String> progress;

	private final Consumer<String> diagrams;

	private final double ordersPerSecond;

	private final List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();

	/**
	 * @param service a consumer service whose name is its group (fraud-service, ...)
	 * @param ordersPerSecond the load while an instance is killed
	 * @param progress each step as it happens
	 * @param diagrams the group drawn after each rebalance
	 */
	public ScaleDrill(SystemProcesses processes, String service, double ordersPerSecond, Consumer<String> progress,
			Consumer<String> diagrams) {
		if (!ConsumerGroups.ALL.contains(service)) {
			throw new IllegalArgumentException(
					"Scale a consumer service of " + ConsumerGroups.ALL + ", not " + service);
		}
		this.processes = processes;
		this.service = service;
		this.ordersPerSecond = ordersPerSecond;
		this.progress = progress;
		this.diagrams = diagrams;
	}

	/** The whole drill: 1, 3, kill one, 7, 1. */
	public DrillReport run() {
		return run("scale " + this.service + ": 3 instances, kill -9 one, 7, back to 1", true);
	}

	/**
	 * 3 instances, 2 partitions each; one killed under load, 3 partitions each; back to
	 * 1. The tour shows the idle member with small members of both rebalance protocols
	 * instead ({@code ProtocolDrill}): 6 more service JVMs are a lot for 2 cores.
	 */
	public DrillReport shareWork() {
		return run("scale " + this.service + " to 3 instances, kill -9 one under load, back to 1", false);
	}

	private DrillReport run(String name, boolean idle) {
		DrillReport report = new DrillReport(name, this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties());
				AssignmentWatch watch = new AssignmentWatch(this.processes.clientProperties(), this.service);
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties());
				OutputLedger.TopicReader outputs = new OutputLedger.TopicReader(this.processes.clientProperties(),
						ConsumerGroups.OUTPUT_TOPICS.get(this.service))
					.fromNow()) {
			Admin admin = cluster.admin();
			this.processes.scale(this.service, 1);
			GroupAssignments one = awaitShape(admin, -1, List.of(6));
			int membersPerInstance = one.members().size();
			report.check("1 instance", true, "owns all 6 partitions (" + membersPerInstance
					+ " member(s) per instance: the orders listener and the retry listener)");
			this.diagrams.accept(one.diagram(1));
			shareAndKill(report, admin, ledger, membersPerInstance);
			if (idle) {
				scaleAndCheck(report, admin, 7, membersPerInstance, Collections.nCopies(6, 1), "7 instances: one idle");
			}
			scaleAndCheck(report, admin, 1, membersPerInstance, List.of(6), "back to 1 instance");
			List<String> violations = watch.violations();
			report.number("assignment snapshots", watch.snapshots());
			report.number("assignment reads failed", watch.failedReads());
			report.check("never two owners", violations.isEmpty() && watch.snapshots() > 0, violations.isEmpty()
					? "%d snapshots of the group read from the cluster (%d reads failed), no partition ever had two owners"
						.formatted(watch.snapshots(), watch.failedReads())
					: violations.get(0));
			handledOneAtATime(report, outputs);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
			try {
				this.processes.scale(this.service, 1);
			}
			catch (RuntimeException cleanup) {
				this.progress.accept("could not scale back to 1: " + cleanup.getMessage());
			}
		}
		return report;
	}

	private void shareAndKill(DrillReport report, Admin admin, OutputLedger ledger, int membersPerInstance) {
		scaleAndCheck(report, admin, 3, membersPerInstance, List.of(2, 2, 2), "3 instances: 2 partitions each");
		OrderLoad.Running load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, false)
			.start(this.ordersPerSecond, Duration.ofMinutes(5));
		ClusterChecks.pause(Duration.ofSeconds(3));
		List<String> running = this.processes.instances(this.service);
		String victim = running.get(running.size() - 1);
		long killedAt = System.nanoTime();
		this.processes.killInstance(victim);
		GroupAssignments two = awaitShape(admin, 2 * membersPerInstance, List.of(3, 3));
		double rebalance = (System.nanoTime() - killedAt) / 1e9;
		report.check("kill -9 one: 3 partitions each", true,
				"%s killed; the group rebalanced after %.1f s (its session timed out): 2 instances, 3 partitions each"
					.formatted(victim, rebalance));
		report.number("rebalance seconds", "%.1f".formatted(rebalance));
		this.diagrams.accept(two.diagram(2));
		ClusterChecks.pause(Duration.ofSeconds(3));
		OrderLoad.Result result = load.stop();
		OutputLedger.Count count = ledger.await(customers(result.acknowledged()), customers(result.notAccepted()),
				ConsumerGroups.ALL, OUTPUTS_TIMEOUT, this.progress);
		this.diagrams.accept(count.report());
		numbers(report, result, count);
		this.acknowledged.addAll(customers(result.acknowledged()));
		report.check("no order missing or twice", count.exactlyOnce() && count.refusedButWritten() == 0,
				"%d acknowledged orders, each answered once by every group across the kill (duplicates %d, missing %d)"
					.formatted(result.acknowledged().size(), count.duplicates(), count.missing()));
	}

	/**
	 * The same from what the members did: the committed outputs of the drill, by the
	 * instance and input their headers name, show no input partition handled by two
	 * instances at once.
	 */
	private void handledOneAtATime(DrillReport report, OutputLedger.TopicReader outputs) {
		List<HandlingRuns.Handled> handled = outputs.readNew()
			.stream()
			.flatMap((record) -> HandlingRuns.Handled.of(record).stream())
			.toList();
		List<String> interleavings = HandlingRuns.interleavings(handled);
		long instances = handled.stream().map(HandlingRuns.Handled::instance).distinct().count();
		report.check("one instance at a time per partition", !handled.isEmpty() && interleavings
			.isEmpty(), interleavings.isEmpty()
					? "%d outputs of the drill name %d instances; per input partition, in offset order, their runs never interleave"
						.formatted(handled.size(), instances)
					: interleavings.size() + " interleavings, first: " + interleavings.get(0));
	}

	/** The customerIds of every order this drill had acknowledged. */
	public List<String> acknowledged() {
		return List.copyOf(this.acknowledged);
	}

	private void scaleAndCheck(DrillReport report, Admin admin, int instances, int membersPerInstance,
			List<Integer> shares, String step) {
		long started = System.nanoTime();
		this.processes.scale(this.service, instances);
		GroupAssignments group = awaitShape(admin, instances * membersPerInstance, shares);
		int idle = instances - group.shares().size();
		report.check(step, true, "%d instances, shares %s of 6 partitions, %d idle (%.1f s)".formatted(instances,
				group.shares(), idle, (System.nanoTime() - started) / 1e9));
		this.diagrams.accept(group.diagram(instances));
	}

	private GroupAssignments awaitShape(Admin admin, int members, List<Integer> shares) {
		return GroupAssignments.await(admin, this.service, members, shares, REBALANCE_TIMEOUT);
	}

	static List<String> customers(List<OrderLoad.Request> requests) {
		return requests.stream().map(OrderLoad.Request::customerId).toList();
	}

	static void numbers(DrillReport report, OrderLoad.Result result, OutputLedger.Count count) {
		report.number("orders sent", result.sent());
		report.number("acknowledged", result.acknowledged().size());
		report.number("refused (503)", result.refused().size());
		report.number("errors", result.errors().size());
		report.number("retries", result.retries());
		count.groups().values().forEach((group) -> report.number("outputs " + group.group(), group.outputs()));
		report.number("duplicates", count.duplicates());
		report.number("missing", count.missing());
		report.number("refused but written", count.refusedButWritten());
		report.number("stall seconds", "%.1f".formatted(result.stallSeconds()));
	}

}
