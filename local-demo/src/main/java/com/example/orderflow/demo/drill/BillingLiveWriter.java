package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Billing's blue/green endpoints as the runbook uses them: the comparison report on the
 * v2 shadow ({@code GET /admin/billing/comparison}) and the cut-over or roll-back on any
 * billing instance ({@code PUT /admin/billing/live-writer}).
 */
public final class BillingLiveWriter {

	/** A cut-over waits up to three minutes for each group, so allow for two and some. */
	private static final Duration CUTOVER_TIMEOUT = Duration.ofMinutes(7);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The counts of the comparison's report, each a number. */
	public static final List<String> COUNTS = List.of("match", "mismatch", "missingInV1", "missingInV2", "pending");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI billing;

	private final URI shadow;

	/**
	 * @param billing any billing instance, e.g. billing-service
	 * @param shadow the billing-v2 shadow, which runs the comparison
	 */
	public BillingLiveWriter(URI billing, URI shadow) {
		this.billing = billing;
		this.shadow = shadow;
	}

	/**
	 * The comparison summary; fails unless it has the counts
	 * ({@code match, mismatch, missingInV1, missingInV2, pending}).
	 */
	public JsonNode comparison() {
		URI uri = this.shadow.resolve("/admin/billing/comparison");
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"GET %s answered %d: %s".formatted(uri, response.statusCode(), response.body()));
		}
		JsonNode report = json(response.body());
		for (String field : COUNTS) {
			if (!report.path(field).isNumber()) {
				throw new IllegalStateException("GET " + uri + " has no number " + field + ": " + response.body());
			}
		}
		return report;
	}

	/**
	 * One order's comparison ({@code result}, {@code liveVersion}, ...), or empty while
	 * the comparison has seen the order on neither topic.
	 */
	public Optional<JsonNode> comparisonOf(String orderId) {
		URI uri = this.shadow.resolve("/admin/billing/comparison/orders/" + orderId);
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET());
		if (response.statusCode() == 404) {
			return Optional.empty();
		}
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"GET %s answered %d: %s".formatted(uri, response.statusCode(), response.body()));
		}
		return Optional.of(json(response.body()));
	}

	/** One line of the comparison's counts. */
	public static String summary(JsonNode comparison) {
		return "match %d, mismatch %d, missingInV1 %d, missingInV2 %d, pending %d".formatted(
				comparison.path("match").asLong(), comparison.path("mismatch").asLong(),
				comparison.path("missingInV1").asLong(), comparison.path("missingInV2").asLong(),
				comparison.path("pending").asLong());
	}

	/**
	 * Makes {@code version} ({@code v1} or {@code v2}) the live writer of
	 * {@code invoices}; returns the cut-over's report ({@code live}, {@code handedOver},
	 * {@code steps}, ...).
	 */
	public JsonNode switchTo(String version) {
		URI uri = liveWriterUri();
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri)
			.timeout(CUTOVER_TIMEOUT)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"version\":\"" + version + "\"}")));
		if (response.statusCode() / 100 != 2) {
			throw new IllegalStateException(
					"PUT %s answered %d: %s".formatted(uri, response.statusCode(), response.body()));
		}
		return json(response.body());
	}

	/**
	 * The version the live-writer record names now ({@code GET}), or {@code null} while
	 * offsets are handed over.
	 */
	public String liveVersion() {
		URI uri = liveWriterUri();
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET());
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"GET %s answered %d: %s".formatted(uri, response.statusCode(), response.body()));
		}
		JsonNode version = json(response.body()).path("liveWriter").path("version");
		return version.isString() ? version.asString() : null;
	}

	public URI liveWriterUri() {
		return this.billing.resolve("/admin/billing/live-writer");
	}

	private HttpResponse<String> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

}
