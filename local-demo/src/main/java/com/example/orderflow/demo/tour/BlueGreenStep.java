package com.example.orderflow.demo.tour;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.events.ConsumerGroups;
import tools.jackson.databind.JsonNode;

/**
 * 8: blue/green. Reads billing-v2's comparison report
 * ({@code GET /admin/billing/comparison} on billing-v2: {@code match}, {@code mismatch},
 * {@code missingInV1}, {@code missingInV2}, {@code pending}), places orders and waits for
 * them to match, cuts over ({@code PUT /admin/billing/live-writer {"version":"v2"}} on
 * billing-service, answering {@code live} and {@code handedOver}), places more orders,
 * checks that every one of them has exactly one customer-visible invoice, and rolls back
 * to v1 so the system ends as it began.
 */
final class BlueGreenStep implements TourStep {

	private static final int ORDERS = 3;

	private static final Duration MATCH_TIMEOUT = Duration.ofSeconds(60);

	@Override
	public String idea() {
		return "blue/green: comparison and cut-over";
	}

	@Override
	public String explanation() {
		return """
				billing-v2 reads the same orders with its own group and writes invoices-v2, a shadow no
				customer sees; a comparison matches v1 and v2 invoices by orderId. Once they match, the
				cut-over hands billing-service's committed offsets to billing-v2-live, which then writes
				invoices: every order gets exactly one customer-visible invoice across the switch.

				  before:  orders ──▶ billing-service (v1, live) ──▶ invoices      (customers see these)
				           orders ──▶ billing-v2 (shadow)        ──▶ invoices-v2   compared by orderId
				  after:   orders ──▶ billing-v2-live (v2, from v1's offsets) ──▶ invoices""";
	}

	@Override
	public Verdict show(TourContext context) {
		BillingLiveWriter billing = new BillingLiveWriter(context.uri(Stack.BILLING), context.uri(Stack.BILLING_V2));
		try {
			JsonNode before = billing.comparison();
			context.print("    comparison (GET %s/admin/billing/comparison): %s%n"
				.formatted(context.uri(Stack.BILLING_V2), BillingLiveWriter.summary(before)));
			OrdersClient orders = context.orders();
			String run = UUID.randomUUID().toString().substring(0, 8);
			List<String> customers = new ArrayList<>();
			for (int n = 1; n <= ORDERS; n++) {
				customers.add("tour-bluegreen-" + run + "-before-" + n);
				orders.place(customers.get(customers.size() - 1));
			}
			context.progress().accept("placed %d orders; waiting until the comparison matches them".formatted(ORDERS));
			long deadline = System.nanoTime() + MATCH_TIMEOUT.toNanos();
			JsonNode now = billing.comparison();
			while (number(now, "match") < number(before, "match") + ORDERS && System.nanoTime() < deadline) {
				ClusterChecks.pause(Duration.ofSeconds(1));
				now = billing.comparison();
			}
			context.print("    comparison now: " + BillingLiveWriter.summary(now) + System.lineSeparator());
			boolean matched = number(now, "match") >= number(before, "match") + ORDERS
					&& number(now, "mismatch") == number(before, "mismatch");
			context.progress().accept("PUT " + billing.liveWriterUri() + " {\"version\":\"v2\"}: cut-over to v2");
			JsonNode cutOver = billing.switchTo("v2");
			cutOver.path("steps").forEach((step) -> context.print("      " + step.asString() + System.lineSeparator()));
			boolean live = "v2".equals(cutOver.path("live").asString("")) && cutOver.has("handedOver");
			for (int n = 1; n <= ORDERS; n++) {
				customers.add("tour-bluegreen-" + run + "-after-" + n);
				orders.place(customers.get(customers.size() - 1));
			}
			context.acknowledged(customers);
			context.progress().accept("placed %d more orders after the cut-over; counting invoices".formatted(ORDERS));
			OutputLedger.Count count;
			try (OutputLedger ledger = new OutputLedger(context.clientProperties())) {
				count = ledger.await(customers, List.of(), List.of(ConsumerGroups.BILLING), Duration.ofSeconds(90),
						context.progress());
			}
			context.print(count.report());
			context.progress()
				.accept("PUT " + billing.liveWriterUri()
						+ " {\"version\":\"v1\"}: roll back, so the tour ends as it began");
			JsonNode rollBack = billing.switchTo("v1");
			boolean rolledBack = "v1".equals(rollBack.path("live").asString(""));
			return Verdict.of(matched && live && count.exactlyOnce() && rolledBack,
					"comparison matched %d new orders: %s; cut-over live=%s; %d orders across the switch, each with one invoice (duplicates %d, missing %d); rolled back: %s"
						.formatted(ORDERS, matched, cutOver.path("live").asString("?"), customers.size(),
								count.duplicates(), count.missing(), rolledBack));
		}
		catch (RuntimeException ex) {
			return Verdict.of(false, ex.getMessage());
		}
	}

	private static long number(JsonNode report, String field) {
		return report.path(field).asLong();
	}

}
