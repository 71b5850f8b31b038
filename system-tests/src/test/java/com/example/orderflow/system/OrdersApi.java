package com.example.orderflow.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The orders service's HTTP API, as a client outside the system sees it. */
final class OrdersApi {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final URI base;

	OrdersApi(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	/** Places an order and returns its id; fails unless the API answered 201. */
	UUID place(String customerId, String country, int quantity) {
		String body = """
				{"customerId":"%s","currency":"EUR","shippingCountry":"%s",
				 "lines":[{"sku":"SKU-BOOK","quantity":%d,"unitPrice":"12.50"},{"sku":"SKU-PEN","quantity":1,"unitPrice":"1.99"}]}
				"""
			.formatted(customerId, country, quantity);
		HttpResponse<String> response = post("/api/orders", body);
		if (response.statusCode() != 201) {
			throw new IllegalStateException(
					"POST /api/orders answered " + response.statusCode() + ": " + response.body());
		}
		JsonNode created = this.json.readTree(response.body());
		return UUID.fromString(created.get("orderId").asString());
	}

	/** Cancels an order; fails unless the API answered 200. */
	void cancel(UUID orderId) {
		HttpResponse<String> response = post("/api/orders/" + orderId + "/cancel", "{\"reason\":\"system test\"}");
		if (response.statusCode() != 200) {
			throw new IllegalStateException("cancel answered " + response.statusCode() + ": " + response.body());
		}
	}

	private HttpResponse<String> post(String path, String body) {
		HttpRequest request = HttpRequest.newBuilder(this.base.resolve(path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("POST " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
