package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The orders API as a client sees it: place an order, cancel it. */
public final class OrdersClient {

	private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final Duration RETRY_FOR = Duration.ofSeconds(60);

	private final URI base;

	private final Consumer<String> progress;

	private int retries;

	/**
	 * @param progress where each retry is told
	 */
	public OrdersClient(URI ordersService, Consumer<String> progress) {
		this.base = ordersService;
		this.progress = progress;
	}

	/**
	 * Places an order for this customer and returns its orderId. A 503 is retried with
	 * the same Idempotency-Key after its Retry-After, for up to a minute, as the API asks
	 * of its clients (the first transaction on a fresh cluster may take longer than the
	 * service waits); every retry is told.
	 */
	public String place(String customerId) {
		String body = """
				{"customerId":"%s","currency":"EUR","shippingCountry":"DE",
				 "lines":[{"sku":"SKU-BOOK","quantity":1,"unitPrice":"12.50"}]}
				""".formatted(customerId);
		long deadline = System.nanoTime() + RETRY_FOR.toNanos();
		HttpResponse<String> response = post("/api/orders", body, customerId);
		while (response.statusCode() == 503 && System.nanoTime() < deadline) {
			long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
			this.progress.accept("POST /api/orders answered 503 (the cluster did not acknowledge); retrying in " + wait
					+ " s with the same Idempotency-Key " + customerId);
			this.retries++;
			ClusterChecks.pause(Duration.ofSeconds(wait));
			response = post("/api/orders", body, customerId);
		}
		if (response.statusCode() != 201) {
			throw new IllegalStateException(
					"POST /api/orders answered " + response.statusCode() + ": " + response.body());
		}
		Matcher orderId = ORDER_ID.matcher(response.body());
		if (!orderId.find()) {
			throw new IllegalStateException("No orderId in " + response.body());
		}
		return orderId.group(1);
	}

	/** How many 503s were retried. */
	public int retries() {
		return this.retries;
	}

	/** Cancels an order; fails unless 200. */
	public void cancel(String orderId) {
		HttpResponse<String> response = post("/api/orders/" + orderId + "/cancel", "{\"reason\":\"tour\"}", null);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("cancel answered " + response.statusCode() + ": " + response.body());
		}
	}

	private HttpResponse<String> post(String path, String body, String idempotencyKey) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("POST " + path + " failed: is orders-service running? " + ex.getMessage(),
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
