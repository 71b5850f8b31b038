package com.example.orderflow.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.BrokerDrills;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.OrdersRestartDrill;
import com.example.orderflow.demo.drill.ScaleDrill;
import com.example.orderflow.demo.groups.ProtocolDrill;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer-group and broker drills of {@code ./demo}, on one running system (three
 * broker processes, every service as a process): each drill starts from a healthy system,
 * leaves it healthy, verifies every step on the cluster, counts every acknowledged
 * order's outputs downstream ({@code read_committed}) and prints its numbers.
 */
@SharedSystem
class DrillsSystemTest {

	/**
	 * Open-loop orders per second during each drill: an order every 500 ms across every
	 * kill, stop and start, each answered once by five groups. Every order costs each
	 * group a transaction, and at 4/s the system took most of the two cores before any
	 * broker restarted, so a returning broker waited for CPU: in fresh-clone suites the
	 * two-brokers-down drill's node registered 18-50 s after its launch and the API
	 * answered 201 21-51 s after that; at 2/s, in one run of this class, 7.5 s and 10 s.
	 */
	private static final double ORDERS_PER_SECOND = 2;

	/**
	 * How long the scale test waits for the console to draw a step; it must have drawn it
	 * within 3 s.
	 */
	private static final Duration CONSOLE_PATIENCE = Duration.ofSeconds(15);

	/** As the tour's: several outputs per partition and second, so a pause shows. */
	private static final double PROTOCOL_ORDERS_PER_SECOND = 40;

	private RunningSystem system;

	/**
	 * Per test: a drill that failed to restore what it broke leaves the next drill a new
	 * system.
	 */
	@BeforeEach
	void useTheSharedSystem(RunningSystem shared) {
		this.system = shared;
	}

	/**
	 * Also the web console's scale test: after each step the drill draws, the page in
	 * headless Chromium must show the group's owners as {@code describeConsumerGroups}
	 * reports them, within 3 s.
	 */
	@Test
	void aGroupSharesSixPartitionsAndRebalancesWhenAnInstanceIsKilled() {
		List<ConsolePage.Shown> shown = new ArrayList<>();
		List<String> notShown = new ArrayList<>();
		DrillReport report;
		try (ConsolePage page = ConsolePage.open(this.system.consoleUri());
				Admin admin = Admin.create(this.system.clientProperties())) {
			report = new ScaleDrill(this.system.processes(), Stack.FRAUD, ORDERS_PER_SECOND, DrillsSystemTest::log,
					(diagram) -> {
						System.out.print(diagram);
						try {
							shown.add(page.groupShown(admin, Stack.FRAUD, CONSOLE_PATIENCE));
							page.screenshot("scale-" + shown.size() + "-" + shown.get(shown.size() - 1).shares());
						}
						catch (RuntimeException | AssertionError ex) {
							notShown.add(ex.getMessage());
						}
					})
				.shareWork();
			assertThat(page.consoleErrors()).as("errors in the browser's console").isEmpty();
		}
		shown.forEach((step) -> System.out.printf("[console] fraud-service shares %s drawn %.1f s after the cluster%n",
				step.shares(), step.seconds()));
		assertPassed(report);
		assertThat(report.numbers()).containsEntry("duplicates", 0).containsEntry("missing", 0);
		assertThat(notShown).as("steps the console did not show").isEmpty();
		assertThat(shown).extracting(ConsolePage.Shown::shares).contains(List.of(6), List.of(2, 2, 2), List.of(3, 3));
		assertThat(shown).as("seconds from describeConsumerGroups to the page")
			.allSatisfy((step) -> assertThat(step.seconds()).isLessThanOrEqualTo(3.0));
	}

	/**
	 * Both rebalance protocols on the same steps, in small member processes: 3 members
	 * own 2 partitions each, after a {@code kill -9} 2 own 3 each, a 7th is idle, and
	 * every acknowledged order has exactly one output in each demo group, counted after
	 * it drained.
	 */
	@Test
	void bothRebalanceProtocolsShareSixPartitionsSurviveAKillAndLeaveTheSeventhIdle() {
		ProtocolDrill drill = new ProtocolDrill(this.system.processes(), PROTOCOL_ORDERS_PER_SECOND,
				DrillsSystemTest::log, System.out::print);
		DrillReport report = drill.run();
		assertPassed(report);
		assertThat(drill.figures()).extracting(ProtocolDrill.Figures::protocol).containsExactly("classic", "consumer");
		assertThat(drill.figures()).as("the dead member's partitions handled again by the others")
			.allSatisfy((figures) -> assertThat(figures.takenOverMs()).isPositive());
	}

	@Test
	void killingTheActiveControllerUnderLoadLosesNothingAndTheBrokerRejoinsEveryIsr() {
		DrillReport report = brokerDrills().failover();
		assertPassed(report);
		assertThat(report.numbers()).containsEntry("errors", 0)
			.containsEntry("refused (503)", 0)
			.containsEntry("duplicates", 0)
			.containsEntry("missing", 0);
	}

	@Test
	void withTwoBrokersDownTheApiAnswers503WritesNothingAndRecoversWhenOneReturns() {
		DrillReport report = brokerDrills().quorumLoss();
		assertPassed(report);
		assertThat(report.numbers()).containsEntry("refused but written", 0)
			.containsEntry("duplicates", 0)
			.containsEntry("missing", 0);
	}

	@Test
	void aRollingRestartOfTheThreeBrokersUnderLoadLosesNothingAndDuplicatesNothing() {
		DrillReport report = brokerDrills().rollingRestart();
		assertPassed(report);
		assertThat(report.numbers()).containsEntry("duplicates", 0).containsEntry("missing", 0);
	}

	/**
	 * The restarted instance reads every order and key back from {@code orders}: with
	 * them kept in memory, as before, a retried key whose 201 the crash swallowed wrote a
	 * second order.
	 */
	@Test
	void killingOrdersServiceUnderLoadWhileClientsRetryWithTheirKeysWritesEveryOrderOnce() {
		DrillReport report = new OrdersRestartDrill(this.system.processes(), ORDERS_PER_SECOND * 5,
				DrillsSystemTest::log, System.out::print)
			.run();
		assertPassed(report);
		assertThat(report.numbers()).containsEntry("duplicates", 0)
			.containsEntry("missing", 0)
			.containsEntry("keys with two orders", 0);
	}

	private BrokerDrills brokerDrills() {
		return new BrokerDrills(this.system.processes(), ORDERS_PER_SECOND, false, DrillsSystemTest::log,
				System.out::print);
	}

	private static void assertPassed(DrillReport report) {
		System.out.print(report.render());
		assertThat(report.steps()).isNotEmpty()
			.allSatisfy((step) -> assertThat(step.passed()).as("%s: %s", step.name(), step.detail()).isTrue());
	}

	private static void log(String line) {
		System.out.println("[drill] " + line);
	}

}
