package com.example.orderflow.cluster.tour;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.cluster.drill.ClusterChecks;
import com.example.orderflow.cluster.drill.OrdersClient;
import com.example.orderflow.cluster.drill.OutputLedger;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.ConsumerGroups;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
		URI comparison = context.uri(Stack.BILLING_V2).resolve("/admin/billing/comparison");
		URI liveWriter = context.uri(Stack.BILLING).resolve("/admin/billing/live-writer");
		try {
			JsonNode before = comparison(comparison, context);
			OrdersClient orders = context.orders();
			String run = UUID.randomUUID().toString().substring(0, 8);
			List<String> customers = new ArrayList<>();
			for (int n = 1; n <= ORDERS; n++) {
				customers.add("tour-bluegreen-" + run + "-before-" + n);
				orders.place(customers.get(customers.size() - 1));
			}
			context.progress().accept("placed %d orders; waiting until the comparison matches them".formatted(ORDERS));
			long deadline = System.nanoTime() + MATCH_TIMEOUT.toNanos();
			JsonNode now = comparison(comparison, null);
			while (number(now, "match") < number(before, "match") + ORDERS && System.nanoTime() < deadline) {
				ClusterChecks.pause(Duration.ofSeconds(1));
				now = comparison(comparison, null);
			}
			context.print("    comparison now: " + now + System.lineSeparator());
			boolean matched = number(now, "match") >= number(before, "match") + ORDERS
					&& number(now, "mismatch") == number(before, "mismatch");
			context.progress().accept("PUT " + liveWriter + " {\"version\":\"v2\"}: cut-over to v2");
			JsonNode cutOver = put(liveWriter, "v2");
			context.print("    cut-over answered: " + cutOver + System.lineSeparator());
			boolean live = "v2".equals(cutOver.path("live").asString("")) && cutOver.has("handedOver");
			for (int n = 1; n <= ORDERS; n++) {
				customers.add("tour-bluegreen-" + run + "-after-" + n);
				orders.place(customers.get(customers.size() - 1));
			}
			context.acknowledged(customers);
			context.progress().accept("placed %d more orders after the cut-over; counting invoices".formatted(ORDERS));
			OutputLedger.Count count;
			try (OutputLedger ledger = new OutputLedger(context.bootstrapServers())) {
				count = ledger.await(customers, List.of(), List.of(ConsumerGroups.BILLING), Duration.ofSeconds(90),
						context.progress());
			}
			context.print(count.report());
			context.progress()
				.accept("PUT " + liveWriter + " {\"version\":\"v1\"}: roll back, so the tour ends as it began");
			JsonNode rollBack = put(liveWriter, "v1");
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

	private JsonNode comparison(URI uri, TourContext context) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri).GET());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"GET %s answered %d: the comparison endpoint is not in this build (blue/green not merged?)"
						.formatted(uri, response.statusCode()));
		}
		JsonNode report = json(response.body());
		for (String field : List.of("match", "mismatch", "missingInV1", "missingInV2", "pending")) {
			if (!report.path(field).isNumber()) {
				throw new IllegalStateException("GET " + uri + " has no number " + field + ": " + response.body());
			}
		}
		if (context != null) {
			context.print("    comparison (GET %s): match %d, mismatch %d, missingInV1 %d, missingInV2 %d, pending %d%n"
				.formatted(uri, number(report, "match"), number(report, "mismatch"), number(report, "missingInV1"),
						number(report, "missingInV2"), number(report, "pending")));
		}
		return report;
	}

	private JsonNode put(URI uri, String version) {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"version\":\"" + version + "\"}")));
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(
					"PUT %s answered %d: %s".formatted(uri, response.statusCode(), response.body()));
		}
		return json(response.body());
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("billing did not answer: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static JsonNode json(String body) {
		try {
			return JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("Not JSON: " + body, ex);
		}
	}

	private static long number(JsonNode report, String field) {
		return report.path(field).asLong();
	}

}
