package com.example.orderflow.demo.tour;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.trace.OrderTraces;
import com.example.orderflow.events.ConsumerGroups;

/**
 * 10: exactly one output per order per group, counted over every order of the tour; and
 * one order followed through every group in its trace.
 */
final class ExactlyOnceStep implements TourStep {

	/** How long the spans of the followed order may take to reach the store. */
	private static final Duration TRACE_WAIT = Duration.ofSeconds(15);

	/** The POST, its send and one span per group. */
	private static final int SPANS_OF_AN_ORDER = 2 + ConsumerGroups.ALL.size();

	@Override
	public String idea() {
		return "exactly-once: one output per order per group";
	}

	@Override
	public String explanation() {
		return """
				Each consumer reads an order event, writes its output and commits its offset in one Kafka
				transaction: both happen or neither does. A consumer killed halfway leaves an aborted
				transaction that read_committed readers never see, and the next owner of the partition
				starts from the last committed offset. Counted here over every order the tour placed,
				through a consumer kill, a broker kill -9 and a cut-over. One more order is followed
				through its trace: the POST, its event on orders and each group's span under it, read
				back from Zipkin, where every service sends its spans.""";
	}

	@Override
	public Verdict show(TourContext context) {
		String customerId = "tour-traced-" + UUID.randomUUID().toString().substring(0, 8);
		String followed;
		try {
			followed = context.orders().place(customerId);
			context.acknowledged(List.of(customerId));
		}
		catch (RuntimeException ex) {
			return Verdict.of(false, "the order to follow was not placed: " + ex.getMessage());
		}
		List<String> orders = context.acknowledged();
		try (OutputLedger ledger = new OutputLedger(context.clientProperties())) {
			OutputLedger.Count count = ledger.await(orders, List.of(), ConsumerGroups.ALL, Duration.ofSeconds(120),
					context.progress());
			context.print(count.report());
			showTrace(context, followed);
			return Verdict.of(count.exactlyOnce() && !orders.isEmpty(),
					"%d orders acknowledged during the tour, %d groups: duplicates %d, missing %d; one of them followed: ./demo trace %s"
						.formatted(orders.size(), count.groups().size(), count.duplicates(), count.missing(),
								followed));
		}
		catch (RuntimeException ex) {
			return Verdict.of(false, ex.getMessage());
		}
	}

	/**
	 * One order's way through every group, as its trace tells it: what
	 * {@code ./demo trace} prints. The trace is shown, not judged: a trace store that is
	 * slow or down costs only the picture.
	 */
	private static void showTrace(TourContext context, String orderId) {
		long deadline = System.nanoTime() + TRACE_WAIT.toNanos();
		try {
			while (true) {
				List<OrderTraces.Trace> traces = context.traces().ofOrder(orderId);
				if (!traces.isEmpty() && traces.get(0).spans().size() >= SPANS_OF_AN_ORDER) {
					OrderTraces.Trace trace = traces.get(0);
					context.print("\nOne order's trace (./demo trace " + orderId + ", or "
							+ context.traces().uiUri(trace.traceId()) + "):\n\n" + trace.render("  "));
					return;
				}
				if (System.nanoTime() > deadline) {
					context.progress()
						.accept("no whole trace of order " + orderId + " in Zipkin yet: ./demo trace " + orderId
								+ " shows it later");
					return;
				}
				Thread.sleep(500);
			}
		}
		catch (RuntimeException ex) {
			context.progress().accept("no trace of order " + orderId + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
