package com.example.orderflow.orders.order;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import brave.handler.MutableSpan;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.FinishedSpans;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.Traceparent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An order's trace starts at its POST: the request's span, then the send of its event in
 * a span of its own, whose context the record on {@code orders} carries to every group.
 * The writers commit many requests' events together from their own threads; each record
 * still carries its own request's trace.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "management.tracing.sampling.probability=1.0")
@RealKafka
@AutoConfigureTracing
@Import(FinishedSpans.class)
class OrderTracingTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private FinishedSpans finished;

	@Test
	void eachOrderEventCarriesTheTraceOfItsOwnRequest() {
		List<Traceparent> callers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			callers.add(Traceparent.random());
		}
		Map<Traceparent, String> orderIds = new ConcurrentHashMap<>();
		// At once, so that the writers may commit them together.
		CompletableFuture
			.allOf(callers.stream()
				.map((caller) -> CompletableFuture.runAsync(() -> orderIds.put(caller, place(caller))))
				.toArray(CompletableFuture[]::new))
			.join();

		for (Traceparent caller : callers) {
			ConsumerRecord<String, Object> record = await().atMost(Duration.ofSeconds(30))
				.until(() -> this.clients.readCommitted(Topics.ORDERS)
					.stream()
					.filter((candidate) -> orderIds.get(caller).equals(candidate.key()))
					.toList(), (records) -> records.size() == 1)
				.get(0);
			Traceparent carried = Traceparent.of(record.headers()).orElseThrow();
			assertThat(carried.traceId()).as("the record's trace").isEqualTo(caller.traceId());
			MutableSpan send = this.finished.awaitSpan(carried.spanId());
			assertThat(send.name()).isEqualTo(Topics.ORDERS + " send");
			assertThat(send.kind()).isEqualTo(brave.Span.Kind.PRODUCER);
			assertThat(send.tag("orderId")).isEqualTo(orderIds.get(caller));
			MutableSpan request = this.finished.awaitSpan(send.parentId());
			assertThat(request.kind()).as("the send's parent").isEqualTo(brave.Span.Kind.SERVER);
			assertThat(request.parentId()).as("the request's parent").isEqualTo(caller.spanId());
		}
	}

	/**
	 * Places an order as the caller, with its trace context and a key of its own: a 503
	 * while the cluster's first transaction starts is retried with the same key.
	 */
	private String place(Traceparent caller) {
		String key = UUID.randomUUID().toString();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/orders"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.header(Traceparent.HEADER, caller.toString())
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("""
					{ "customerId": "c-traced", "currency": "EUR", "shippingCountry": "DE",
					  "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "9.90"}] }"""))
			.build();
		HttpResponse<String> created = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.http.send(request, HttpResponse.BodyHandlers.ofString()),
					(response) -> response.statusCode() == 201);
		return json.readTree(created.body()).get("orderId").asString();
	}

}
