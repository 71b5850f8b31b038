package com.example.orderflow.orders.order;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.example.orderflow.testsupport.NothingListens;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no cluster to talk to, the API answers 503 problem+json with {@code Retry-After}
 * (bounded by {@code orderflow.orders.settle-within}, the wait to read {@code orders},
 * not a hang) and accepts nothing. No {@code @RealKafka} here: the bootstrap address is a
 * loopback port where nothing listens.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class UnreachableClusterTests {

	private static final Logger logger = LoggerFactory.getLogger(UnreachableClusterTests.class);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private OrderBook book;

	@DynamicPropertySource
	static void unreachableCluster(DynamicPropertyRegistry registry) {
		String address = NothingListens.address();
		registry.add("spring.kafka.bootstrap-servers", () -> address);
		// Only the startup check for the topic: give up on it in seconds, not 30 + 10.
		registry.add("spring.kafka.admin.operation-timeout", () -> "2s");
		registry.add("spring.kafka.admin.close-timeout", () -> "1s");
		// Start at once: the warm-up transaction can only fail here.
		registry.add("orderflow.orders.transaction-warm-up", () -> "0s");
		registry.add("orderflow.orders.read-before-ready", () -> "0s");
		// What bounds the answer, shorter than the 12 s that rides out a broker failover:
		// the same 503, sooner.
		registry.add("spring.kafka.producer.properties.max.block.ms", () -> "3000");
		// An instance that cannot read orders cannot tell whether a key is new: it
		// refuses the order once this is up, whatever the producer would do.
		registry.add("orderflow.orders.settle-within", () -> "2s");
	}

	@Test
	void orderIsAnswered503WithRetryAfterAndNothingIsAccepted() throws Exception {
		for (int attempt = 1; attempt <= 2; attempt++) {
			long started = System.nanoTime();
			HttpResponse<String> response = placeOrder("retry-me");
			logger.info("Attempt {} answered {} after {} ms", attempt, response.statusCode(),
					Duration.ofNanos(System.nanoTime() - started).toMillis());
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
			assertThat(response.body()).contains("\"status\":503");
			assertThat(response.body()).as("nothing was accepted, and the answer says so")
				.contains("\"outcome\":\"refused\"");
		}
		// The failed attempts took neither an order nor the Idempotency-Key: the second
		// attempt with the same key was tried for real, and failed again.
		assertThat(this.book.size()).isZero();
	}

	private HttpResponse<String> placeOrder(String idempotencyKey) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/orders"))
			// Generous: the assertion is that an answer comes at all, not how fast.
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", idempotencyKey)
			.POST(HttpRequest.BodyPublishers.ofString("""
					{ "customerId": "c-1", "currency": "EUR", "shippingCountry": "DE",
					  "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": "12.50"}] }"""))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
