package com.example.orderflow.demo.tour;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.BrokerDrills;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.FailureDrill;
import com.example.orderflow.demo.drill.ScaleDrill;
import com.example.orderflow.demo.groups.ProtocolDrill;
import com.example.orderflow.demo.groups.ShareGroupDrill;
import com.example.orderflow.demo.status.TextTable;

/**
 * The guided tour: ten ideas, each shown live on a running system, explained, drawn and
 * verified on the cluster; a table of PASS and FAIL at the end.
 */
public final class Tour {

	/** The service whose group the scaling steps scale. */
	static final String SCALED = Stack.FRAUD;

	/**
	 * The load while the protocols are compared: several outputs per partition and
	 * second, so that a pause of a few hundred milliseconds shows.
	 */
	static final double PROTOCOL_ORDERS_PER_SECOND = 40;

	private final TourContext context;

	private final List<TourStep> steps;

	public Tour(TourContext context) {
		this.context = context;
		this.steps = steps();
	}

	/** The ten steps, in the order of the tour. */
	static List<TourStep> steps() {
		return List.of(new TopicsStep(), new KeysStep(), new GroupsStep(),
				new DrillStep("a group shares work: 3 instances, one killed", """
						The members of one group share the partitions: 6 partitions over 3 instances of
						fraud-service, 2 each. When one is killed (kill -9), the group coordinator notices
						its missing heartbeats after the session timeout (10 s) and the group rebalances:
						the other two take 3 each and go on from the committed offsets, while orders keep
						coming. Then back to 1 instance.""", (context) -> {
					ScaleDrill drill = scale(context);
					DrillReport report = drill.shareWork();
					context.acknowledged(drill.acknowledged());
					return report;
				}),
				new DrillStep("two rebalance protocols; more members than partitions", """
						Every orderflow group runs the consumer rebalance protocol of KIP-848
						(group.protocol=consumer): the broker assigns, incrementally, and a member keeps
						its partitions while others move. The classic protocol (the client's default
						assignor, eager) takes every partition from every member at each rebalance.
						Side by side, with the same failure detection: small demo groups of plain
						clients, 3 members, one kill -9ed while orders flow, then 5 more join. A seventh
						member for six partitions gets none: it is idle, a hot standby; scaling beyond the
						partition count adds no throughput. Measured from the outputs: how soon the dead
						member's partitions are handled again, and how long the others paused.""",
						(context) -> new ProtocolDrill(context.processes(), PROTOCOL_ORDERS_PER_SECOND,
								context.progress(), context::print)
							.run()),
				new DrillStep("a share group: more members than partitions", """
						A share group (KIP-932) hands out records, not partitions: 8 members of
						notification-dispatch in two JVMs share the 6 partitions of orders, and every one of
						them gets records. Each record is locked to the member that took it until it
						acknowledges it: ACCEPT (done), RELEASE (again, to anyone) or REJECT (never again).
						A member that dies holding one loses it when the broker sees its connection close, a
						member that hangs when the lock expires (5 s here): another member gets it, and the
						broker counts the delivery (2). The group reads only committed
						orders (share.isolation.level=read_committed) and starts a new group with the last
						minute of orders (share.auto.offset.reset=by_duration:PT1M), set on the group with the
						Admin API.
						What it does not give: order per key (an order's cancellation may be handled before its
						creation, by another member), and its acknowledgements cannot join a transaction with
						the records a member writes, so there is no exactly-once consume-transform-produce.
						That is why billing and shipping stay consumer groups; a share group suits work
						items that are independent and idempotent, like sending notifications.""", (context) -> {
					ShareGroupDrill drill = new ShareGroupDrill(context.processes(), context.ordersPerSecond(),
							context.progress(), context::print);
					DrillReport report = drill.run();
					context.acknowledged(drill.acknowledged());
					return report;
				}), new DrillStep("broker killed under load: failover", """
						kill -9 of the broker that is also the active controller, while orders flow. The
						remaining two elect a new controller and new leaders for its partitions (after the
						3 s broker session timeout), producers and consumers follow; with RF 3 and
						min.insync.replicas 2 no acknowledged write is lost. The broker then restarts, catches
						up, rejoins every ISR, and a preferred-leader election hands its partitions back.""",
						(context) -> {
							BrokerDrills drills = new BrokerDrills(context.processes(), context.ordersPerSecond(),
									false, context.progress(), context::print);
							DrillReport report = drills.failover();
							context.acknowledged(drills.acknowledged());
							return report;
						}),
				new FailuresStep(), new BlueGreenStep(), new ExactlyOnceStep());
	}

	private static ScaleDrill scale(TourContext context) {
		return new ScaleDrill(context.processes(), SCALED, context.ordersPerSecond(), context.progress(),
				context::print);
	}

	/** Runs every step, even after a failed one, and prints the table. */
	public boolean run() {
		long started = System.nanoTime();
		List<Object[]> rows = new ArrayList<>();
		boolean all = true;
		for (int n = 1; n <= this.steps.size(); n++) {
			TourStep step = this.steps.get(n - 1);
			this.context.print("%n━━ %d/%d  %s ━━%n%s%n%n".formatted(n, this.steps.size(), step.idea(),
					indent(step.explanation())));
			long stepStarted = System.nanoTime();
			TourStep.Verdict verdict;
			try {
				verdict = step.show(this.context);
			}
			catch (RuntimeException ex) {
				verdict = new TourStep.Verdict(false, "failed: " + ex.getMessage());
			}
			double seconds = (System.nanoTime() - stepStarted) / 1e9;
			this.context.progress()
				.accept("%s %d %s: %s".formatted(verdict.passed() ? "PASS" : "FAIL", n, step.idea(),
						verdict.evidence()));
			rows.add(new Object[] { n, step.idea(), verdict.passed() ? "PASS" : "FAIL", "%.0f s".formatted(seconds),
					shorten(verdict.evidence(), 150) });
			all &= verdict.passed();
		}
		TextTable table = new TextTable();
		table.row("#", "idea", "", "took", "evidence");
		rows.forEach(table::row);
		long passed = rows.stream().filter((row) -> "PASS".equals(row[2])).count();
		this.context.print("%n━━ The tour ━━%n%s  %d of %d ideas verified in %.0f s: %s%n".formatted(table.render("  "),
				passed, rows.size(), (System.nanoTime() - started) / 1e9, all ? "PASS" : "FAIL"));
		return all;
	}

	private static String indent(String text) {
		return text.lines().map((line) -> "  " + line).reduce((a, b) -> a + System.lineSeparator() + b).orElse("");
	}

	private static String shorten(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max - 1) + "…";
	}

	/** 8: the failure path of one order, the drill of {@code ./demo failures}. */
	static final class FailuresStep implements TourStep {

		@Override
		public String idea() {
			return "poison and flaky orders: retries, DLT, replay";
		}

		@Override
		public String explanation() {
			return """
					A record that keeps failing must not stop its partition. shipping-service retries it
					through its own retry topics (2 s, then 10 s), then parks it in its own dead-letter
					topic with the error in headers, and the partition flows on. Once the fault is fixed,
					the parked record is replayed into the group's retry topic (never into orders, which
					every group reads) and processed exactly once; a second replay is refused.""";
		}

		@Override
		public Verdict show(TourContext context) {
			URI orders = context.uri(Stack.ORDERS);
			URI shipping = context.uri(Stack.SHIPPING);
			FailureDrill.Result result = new FailureDrill(orders, shipping, context.clientProperties(),
					context.progress())
				.run();
			context.print(result.report());
			long passed = result.steps().stream().filter(FailureDrill.Step::passed).count();
			return Verdict.of(result.passed(),
					"%d of %d steps; path %s".formatted(passed, FailureDrill.STEPS.size(), result.path()));
		}

	}

}
