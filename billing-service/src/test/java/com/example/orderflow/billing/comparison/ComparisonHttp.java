package com.example.orderflow.billing.comparison;

import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

/** The comparison's HTTP endpoints as a client sees them: JSON, read as a tree. */
final class ComparisonHttp {

	private final RestClient http;

	private final JsonMapper json = JsonMapper.builder().build();

	ComparisonHttp(int port) {
		this.http = RestClient.create("http://127.0.0.1:" + port);
	}

	JsonNode summary() {
		return get("/admin/billing/comparison");
	}

	JsonNode differences(int limit) {
		return get("/admin/billing/comparison/differences?limit=" + limit);
	}

	/** The order's comparison, empty while the comparison has not seen it (404). */
	Optional<JsonNode> order(UUID orderId) {
		return this.http.get()
			.uri("/admin/billing/comparison/orders/{orderId}", orderId)
			.exchange((request, response) -> (response.getStatusCode().isSameCodeAs(HttpStatusCode.valueOf(404)))
					? Optional.empty() : Optional.of(this.json.readTree(response.bodyTo(String.class))));
	}

	String prometheus() {
		return this.http.get().uri("/actuator/prometheus").retrieve().body(String.class);
	}

	private JsonNode get(String path) {
		return this.json.readTree(this.http.get().uri(path).retrieve().body(String.class));
	}

}
