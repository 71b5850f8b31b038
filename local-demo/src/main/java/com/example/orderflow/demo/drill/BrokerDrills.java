package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;

/**
 * Brokers failing under load, each drill checked on the cluster and counted downstream:
 * <ul>
 * <li>{@link #failover}: {@code kill -9} of the broker that is also the active controller
 * while orders flow; leadership moves, the API keeps answering, every acknowledged order
 * is answered once by every group; the broker returns to every ISR and the preferred
 * leaders are restored;</li>
 * <li>{@link #quorumLoss}: two of three brokers down (with nothing mid-commit): the
 * orders API answers 503 and writes nothing, and takes orders again once a broker
 * returns;</li>
 * <li>{@link #rollingRestart}: each broker stopped (controlled shutdown) and started in
 * turn under load: nothing lost, nothing twice.</li>
 * </ul>
 */
public final class BrokerDrills {

	private static final Duration MOVE_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration IN_SYNC_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration OUTPUTS_TIMEOUT = Duration.ofSeconds(180);

	/** How long the quorum drill waits for the transactions in flight to end. */
	private static final Duration QUIET_TIMEOUT = Duration.ofSeconds(30);

	private final SystemProcesses processes;

	private final double ordersPerSecond;

	private final boolean retryRefused;

	private final Consumer<String> progress;

	private final Consumer<String> out;

	private final List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();

	/**
	 * @param ordersPerSecond the open-loop load during each drill
	 * @param retryRefused whether the load's clients retry a 503 with the same
	 * Idempotency-Key (counted as retries)
	 * @param progress each step as it happens
	 * @param out the diagrams and counts
	 */
	public BrokerDrills(SystemProcesses processes, double ordersPerSecond, boolean retryRefused,
			Consumer<String> progress, Consumer<String> out) {
		this.processes = processes;
		this.ordersPerSecond = ordersPerSecond;
		this.retryRefused = retryRefused;
		this.progress = progress;
		this.out = out;
	}

	private OrderLoad load() {
		return new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, this.retryRefused);
	}

	/** The customerIds of every order these drills had acknowledged. */
	public List<String> acknowledged() {
		return List.copyOf(this.acknowledged);
	}

	/** {@code kill -9} of the active controller under load, then its return. */
	public DrillReport failover() {
		DrillReport report = new DrillReport("kill -9 the broker that is the active controller, under load",
				this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties());
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties())) {
			int node = cluster.activeController();
			long led = cluster.partitions().stream().filter((partition) -> partition.leader() == node).count();
			this.progress.accept("node %d is the active controller and leads %d partitions".formatted(node, led));
			OrderLoad.Running load = load().start(this.ordersPerSecond, Duration.ofMinutes(5));
			ClusterChecks.pause(Duration.ofSeconds(4));
			this.processes.killBroker(node);
			killed(report, cluster, node);
			ClusterChecks.pause(Duration.ofSeconds(8));
			OrderLoad.Result result = load.stop();
			report.check("orders API kept answering", result.errors().isEmpty() && result.refused().isEmpty(),
					"%d of %d answered 201 (%d refused, %d errors, %d retries), longest wait %.1f s".formatted(
							result.acknowledged().size(), result.sent(), result.refused().size(),
							result.errors().size(), result.retries(), result.stallSeconds()));
			countOutputs(report, ledger, result);
			restart(report, cluster, node);
			ServicesReady.check(report, this.processes);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

	/** Two of three brokers {@code kill -9}ed: 503, nothing written, recovery. */
	public DrillReport quorumLoss() {
		DrillReport report = new DrillReport("two of three brokers down: 503, nothing half-done, recovery",
				this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties());
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties())) {
			int controller = cluster.activeController();
			int other = (controller % LocalCluster.NODES) + 1;
			awaitNothingMidCommit(cluster);
			this.processes.killBroker(controller);
			this.processes.killBroker(other);
			// The orders come once the two are gone: each is refused or waits.
			OrderLoad.Running load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, false)
				.start(this.ordersPerSecond, Duration.ofMinutes(5));
			double downAt = load.now();
			this.progress
				.accept("nodes %d and %d killed: one broker left, below min.insync.replicas %d and without a quorum"
					.formatted(controller, other, LocalCluster.MIN_INSYNC_REPLICAS));
			// Longer than the API takes to give up on a request (a send the cluster
			// cannot take fails after the producer's delivery.timeout.ms, 12 s, and is
			// answered then), so some requests are sent and refused while down.
			ClusterChecks.pause(Duration.ofSeconds(15));
			long returning = System.nanoTime();
			this.processes.startBroker(controller);
			double upAt = load.now();
			this.progress.accept("node %d started: registered %.1f s after its launch".formatted(controller,
					(System.nanoTime() - returning) / 1e9));
			double recovered = awaitAcknowledgedAfter(load, upAt, Duration.ofSeconds(90));
			ClusterChecks.pause(Duration.ofSeconds(3));
			OrderLoad.Result result = load.stop();
			List<OrderLoad.Request> whileDown = result.requests()
				.stream()
				.filter((request) -> request.sentAt() >= downAt && request.answeredAt() <= upAt)
				.toList();
			long refusedWhileDown = whileDown.stream().filter((request) -> request.status() == 503).count();
			long unknownWhileDown = whileDown.stream().filter(OrderLoad.Request::outcomeUnknown).count();
			report.check("503 while two are down", !whileDown.isEmpty() && refusedWhileDown == whileDown.size(),
					"%d requests sent and answered while two brokers were down: %d answered 503 problem+json (%d of them saying the order may still be accepted), %d other"
						.formatted(whileDown.size(), refusedWhileDown, unknownWhileDown,
								whileDown.size() - refusedWhileDown));
			report.check("recovers when a broker returns", recovered >= 0,
					recovered >= 0 ? "first 201 %.1f s after node %d registered".formatted(recovered, controller)
							: "no order acknowledged after node " + controller + " returned");
			report.number("seconds to recover", "%.1f".formatted(recovered));
			report.check("no errors, only 201 or 503", result.errors().isEmpty(),
					"%d errors (neither 201 nor 503)".formatted(result.errors().size()));
			OutputLedger.Count count = countOutputs(report, ledger, result);
			report.check("accepts nothing it cannot keep", count.refusedButWritten() == 0,
					"%d refused requests, %d of them on orders".formatted(count.refused(), count.refusedButWritten()));
			// A commit the cluster took while two brokers were down may complete once one
			// returns: its 503 said so ("outcome":"unknown"), and the order may be on
			// orders, but never twice.
			OutputLedger.Written unknown = ledger.written(ScaleDrill.customers(result.outcomeUnknown()));
			report.number("may still be accepted (503)", unknown.requests());
			report.number("may still be accepted, written", unknown.written());
			report.check("an order that may still be accepted is on orders at most once", unknown.twice() == 0,
					"%d answers said the order may still be accepted: %d of them on orders since, %d more than once"
						.formatted(unknown.requests(), unknown.written(), unknown.twice()));
			restart(report, cluster, other);
			ServicesReady.check(report, this.processes);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

	/**
	 * Waits until no transaction is open on {@code orders} or on a group's output topic,
	 * at most {@link #QUIET_TIMEOUT}. Two of three nodes {@code kill -9}ed is beyond what
	 * three voters and RF 3 survive (one), and Kafka 4.3.1 does not keep a transaction
	 * whole there: a coordinator killed between writing a transaction's PREPARE_COMMIT
	 * and its replication came back, replayed its own metadata log, and for 2.5 s acted
	 * as coordinator at its old epoch before it caught up. It committed the transaction's
	 * offsets, while the coordinator elected meanwhile aborted its outputs: an order
	 * without a shipment (README, "Drills"). So the two go with nothing mid-commit, and
	 * the drill shows what it is for: the API refuses and writes nothing, recovers, and
	 * every group stays exactly once. The broker drill still kills one node under load.
	 */
	private void awaitNothingMidCommit(ClusterChecks cluster) {
		List<String> topics = Stream.concat(Stream.of(Topics.ORDERS), ConsumerGroups.OUTPUT_TOPICS.values().stream())
			.distinct()
			.toList();
		long deadline = System.nanoTime() + QUIET_TIMEOUT.toNanos();
		while (true) {
			String open = cluster.openTransaction(topics);
			if (open.isEmpty()) {
				this.progress
					.accept("nothing mid-commit: no transaction open on %s".formatted(String.join(", ", topics)));
				return;
			}
			if (System.nanoTime() > deadline) {
				this.progress.accept("killing although still after %s: %s".formatted(QUIET_TIMEOUT, open));
				return;
			}
			ClusterChecks.pause(Duration.ofMillis(200));
		}
	}

	/** Each broker stopped and started in turn, under load. */
	public DrillReport rollingRestart() {
		DrillReport report = new DrillReport("rolling restart of the three brokers, under load", this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties());
				OutputLedger ledger = new OutputLedger(this.processes.clientProperties())) {
			OrderLoad.Running load = load().start(this.ordersPerSecond, Duration.ofMinutes(10));
			ClusterChecks.pause(Duration.ofSeconds(3));
			for (int node = 1; node <= LocalCluster.NODES; node++) {
				long started = System.nanoTime();
				this.processes.stopBroker(node);
				this.processes.startBroker(node);
				int restarted = node;
				double inSync = cluster.await(
						(partitions) -> partitions.stream().allMatch(ClusterChecks.Partition::fullyInSync),
						IN_SYNC_TIMEOUT);
				report.check("node " + node + " restarted", inSync >= 0,
						"stopped (controlled shutdown), started, back in every ISR; %.1f s in all"
							.formatted((System.nanoTime() - started) / 1e9));
				if (inSync < 0) {
					break;
				}
			}
			OrderLoad.Result result = load.stop();
			report.check("orders API kept answering", result.errors().isEmpty() && result.refused().isEmpty(),
					"%d of %d answered 201 (%d refused, %d errors, %d retries), longest wait %.1f s".formatted(
							result.acknowledged().size(), result.sent(), result.refused().size(),
							result.errors().size(), result.retries(), result.stallSeconds()));
			countOutputs(report, ledger, result);
			preferredLeaders(report, cluster);
			ServicesReady.check(report, this.processes);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

	/** {@code ./demo kill broker <id>}: kill -9 and watch leadership move. */
	public DrillReport kill(int node) {
		DrillReport report = new DrillReport("kill -9 broker " + node, this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties())) {
			this.processes.killBroker(node);
			killed(report, cluster, node);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

	/** {@code ./demo start broker <id>}: back, in every ISR, preferred leaders again. */
	public DrillReport start(int node) {
		DrillReport report = new DrillReport("start broker " + node, this.progress);
		try (ClusterChecks cluster = new ClusterChecks(this.processes.clientProperties())) {
			restart(report, cluster, node);
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

	private void killed(DrillReport report, ClusterChecks cluster, int node) {
		long killedAt = System.nanoTime();
		double moved = cluster.await((partitions) -> partitions.stream()
			.noneMatch((partition) -> partition.leader() == node || partition.leader() < 0)
				&& cluster.activeController() != node, MOVE_TIMEOUT);
		String leaders = "";
		if (moved >= 0) {
			leaders = leadersOf(cluster.partitions());
		}
		report.check("leadership moved", moved >= 0, (moved >= 0)
				? "%.1f s after the kill no partition is led by node %d; active controller now node %d; orders leaders %s"
					.formatted((System.nanoTime() - killedAt) / 1e9, node, cluster.activeController(), leaders)
				: "node " + node + " still leads partitions after " + MOVE_TIMEOUT);
		report.number("seconds until leadership moved", "%.1f".formatted(moved));
	}

	private void restart(DrillReport report, ClusterChecks cluster, int node) {
		long started = System.nanoTime();
		this.processes.startBroker(node);
		double inSync = cluster
			.await((partitions) -> partitions.stream().allMatch(ClusterChecks.Partition::fullyInSync), IN_SYNC_TIMEOUT);
		report.check("broker back in every ISR", inSync >= 0,
				(inSync >= 0)
						? "node %d started and in the ISR of every partition %.1f s after its start".formatted(node,
								(System.nanoTime() - started) / 1e9)
						: "still under-replicated after " + IN_SYNC_TIMEOUT);
		preferredLeaders(report, cluster);
	}

	private void preferredLeaders(DrillReport report, ClusterChecks cluster) {
		cluster.electPreferredLeaders();
		double preferred = cluster.await(
				(partitions) -> partitions.stream().allMatch(ClusterChecks.Partition::preferredLeads),
				Duration.ofSeconds(30));
		report.check("preferred leaders restored", preferred >= 0,
				(preferred >= 0) ? "every partition led by its preferred replica again (orders leaders %s)"
					.formatted(leadersOf(cluster.partitions())) : "some partitions still led by another replica");
	}

	private OutputLedger.Count countOutputs(DrillReport report, OutputLedger ledger, OrderLoad.Result result) {
		this.acknowledged.addAll(ScaleDrill.customers(result.acknowledged()));
		return countOutputs(report, ledger, result, this.progress, this.out);
	}

	/**
	 * Once every group has drained past the load's acknowledged orders: each of them once
	 * on {@code orders} and answered once by every group, checked and counted.
	 */
	static OutputLedger.Count countOutputs(DrillReport report, OutputLedger ledger, OrderLoad.Result result,
			Consumer<String> progress, Consumer<String> out) {
		OutputLedger.Count count = ledger.await(ScaleDrill.customers(result.acknowledged()),
				ScaleDrill.customers(result.notAccepted()), ConsumerGroups.ALL, OUTPUTS_TIMEOUT, progress);
		out.accept(count.report());
		ScaleDrill.numbers(report, result, count);
		report.check("exactly one output per group", count.exactlyOnce(),
				"%d acknowledged orders, each once on orders and answered once by each of %d groups (duplicates %d, missing %d)"
					.formatted(count.acknowledged(), count.groups().size(), count.duplicates(), count.missing()));
		return count;
	}

	/** Waits for a request sent after {@code since} (load seconds) to be acknowledged. */
	private static double awaitAcknowledgedAfter(OrderLoad.Running load, double since, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			double first = load.firstAcknowledgedAfter(since);
			if (first >= 0) {
				return first - since;
			}
			ClusterChecks.pause(Duration.ofMillis(250));
		}
		return -1;
	}

	private static String leadersOf(List<ClusterChecks.Partition> partitions) {
		return partitions.stream()
			.filter((partition) -> partition.topic().equals(com.example.orderflow.events.Topics.ORDERS))
			.sorted(java.util.Comparator.comparingInt(ClusterChecks.Partition::partition))
			.map((partition) -> "p" + partition.partition() + "→" + partition.leader())
			.collect(Collectors.joining(" "));
	}

}
