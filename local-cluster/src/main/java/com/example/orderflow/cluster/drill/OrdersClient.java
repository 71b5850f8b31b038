package com.example.orderflow.cluster.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The orders API as a client sees it: place an order, cancel it. */
public final class OrdersClient {

	private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI base;

	public OrdersClient(URI ordersService) {
		this.base = ordersService;
	}

	/** Places an order for this customer and returns its orderId; fails unless 201. */
	public String place(String customerId) {
		String body = """
				{"customerId":"%s","currency":"EUR","shippingCountry":"DE",
				 "lines":[{"sku":"SKU-BOOK","quantity":1,"unitPrice":"12.50"}]}
				""".formatted(customerId);
		HttpResponse<String> response = post("/api/orders", body, customerId);
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
