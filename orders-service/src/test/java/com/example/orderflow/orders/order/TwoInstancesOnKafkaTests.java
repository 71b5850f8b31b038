package com.example.orderflow.orders.order;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import com.example.orderflow.events.Topics;
import com.example.orderflow.orders.OrdersApplication;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.Traceparent;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaOperations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Two orders-service instances of one ownership group on a real cluster: each owns half
 * of the partitions of {@code orders} and forwards a request about an order of the other
 * half to its owner, so a key, a cancel and a read give one answer whichever instance is
 * asked. The first instance is this test's application, the second one is started here in
 * the same group. Both trace, as a service does (the test's own tracing is on, not only
 * the second instance's).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealKafka
@AutoConfigureTracing
class TwoInstancesOnKafkaTests {

	private static final Duration WITHIN = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ConfigurableApplicationContext second;

	/** This instance's group metadata from before the second one joined: a zombie's. */
	private static ConsumerGroupMetadata beforeTheSecondJoined;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private final List<Integer> ports = new ArrayList<>();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private OrdersProperties properties;

	@Autowired
	private OrderOwnership ownership;

	@Autowired
	private OrderLog log;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private KafkaOperations<String, Object> template;

	@BeforeEach
	void startTheSecondInstance() {
		if (second == null) {
			beforeTheSecondJoined = this.ownership.generation();
			second = new SpringApplicationBuilder(OrdersApplication.class).run("--server.port=0",
					"--spring.kafka.bootstrap-servers=" + String.join(",", this.kafka.getBootstrapServers()),
					// As bound: the property itself is a new random group each time it is
					// read.
					"--orderflow.orders.ownership.group=" + this.properties.ownership().group());
		}
		this.ports.add(this.port);
		this.ports.add(second.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		// This instance owned every partition until the second joined: wait until each
		// owns its half.
		OrderOwnership other = second.getBean(OrderOwnership.class);
		await().atMost(WITHIN)
			.until(() -> this.ownership.owned().size() == Topics.PARTITIONS / 2
					&& other.owned().size() == Topics.PARTITIONS / 2);
	}

	@AfterAll
	static void stopTheSecondInstance() {
		if (second != null) {
			second.close();
			second = null;
		}
	}

	@Test
	void aKeyUsedOnOneInstanceAndRetriedOnTheOtherIsOneOrder() throws Exception {
		for (int i = 0; i < 6; i++) {
			String key = "both-" + UUID.randomUUID();
			HttpResponse<String> first = place(this.ports.get(0), key, "c-both");
			HttpResponse<String> retry = place(this.ports.get(1), key, "c-both");
			assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
			assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
			assertThat(retry.body()).isEqualTo(first.body());
			assertOnOrdersOnce(orderIdOf(first), EventTypes.ORDER_CREATED);
		}
	}

	/**
	 * The same key to both instances at the same moment, 20 times: one order each time,
	 * one record on {@code orders}. Both instances read the key as new at the same
	 * moment; only the owner may write it.
	 */
	@Test
	void theSameKeySentToBothInstancesAtOnceGivesOneOrderTwentyTimes() throws Exception {
		for (int round = 0; round < 20; round++) {
			String key = "race-" + UUID.randomUUID();
			CompletableFuture<HttpResponse<String>> one = placeAsync(this.ports.get(0), key, "c-race");
			CompletableFuture<HttpResponse<String>> other = placeAsync(this.ports.get(1), key, "c-race");
			Set<String> orderIds = new HashSet<>(List.of(orderIdOf(one.get()), orderIdOf(other.get())));
			assertThat(one.get().statusCode()).as(one.get().body()).isEqualTo(201);
			assertThat(other.get().statusCode()).as(other.get().body()).isEqualTo(201);
			assertThat(orderIds).hasSize(1);
			assertOnOrdersOnce(orderIds.iterator().next(), EventTypes.ORDER_CREATED);
		}
	}

	/** Read-your-writes across instances: placed on one, read at once on the other. */
	@Test
	void anOrderPlacedOnOneInstanceIsReadAtOnceOnTheOther() throws Exception {
		for (int i = 0; i < 20; i++) {
			int writer = i % 2;
			HttpResponse<String> placed = place(this.ports.get(writer), null, "c-read-" + i);
			assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
			HttpResponse<String> read = send(this.ports.get(1 - writer),
					request(this.ports.get(1 - writer), "/api/orders/" + orderIdOf(placed), Map.of()).GET());
			assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		}
	}

	/**
	 * Placed through the instance that does not own its key: the forwarded request
	 * carries this instance's span, so the owner's event is in the caller's trace.
	 */
	@Test
	void anOrderForwardedToItsOwnerStaysInTheCallersTrace() throws Exception {
		String key = keyOwnedByTheSecondInstance();
		Traceparent caller = Traceparent.random();
		HttpResponse<String> placed = this.http.send(request(this.ports.get(0), "/api/orders",
				Map.of(OrderController.IDEMPOTENCY_KEY, key, Traceparent.HEADER, caller.toString()))
			.POST(HttpRequest.BodyPublishers.ofString("""
					{ "customerId": "c-traced", "currency": "EUR", "shippingCountry": "DE",
					  "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "9.90"}] }"""))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		String orderId = orderIdOf(placed);
		ConsumerRecord<String, Object> record = await().atMost(WITHIN)
			.until(() -> this.clients.readCommitted(Topics.ORDERS)
				.stream()
				.filter((candidate) -> orderId.equals(candidate.key()))
				.toList(), (found) -> found.size() == 1)
			.get(0);
		assertThat(Traceparent.of(record.headers())).hasValueSatisfying(
				(carried) -> assertThat(carried.traceId()).as("the event's trace").isEqualTo(caller.traceId()));
	}

	@Test
	void twoCancelsOnTwoInstancesAtOnceWriteOneCancellation() throws Exception {
		for (int round = 0; round < 10; round++) {
			String orderId = orderIdOf(place(this.ports.get(round % 2), null, "c-cancel-" + round));
			List<CompletableFuture<HttpResponse<String>>> cancels = new ArrayList<>();
			for (int port : this.ports) {
				cancels.add(this.http.sendAsync(request(port, "/api/orders/" + orderId + "/cancel", Map.of())
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString()));
			}
			for (CompletableFuture<HttpResponse<String>> cancel : cancels) {
				assertThat(cancel.get().statusCode()).as(cancel.get().body()).isEqualTo(200);
			}
			assertOnOrdersOnce(orderId, EventTypes.ORDER_CANCELLED);
		}
	}

	/**
	 * What fences a zombie: a transaction that commits the ownership group's offsets with
	 * the metadata of a generation the group has left behind (this instance's, from
	 * before the second one joined) is refused by the group coordinator, and its order is
	 * never visible. Every transaction of the writer commits those offsets
	 * ({@code OrderEventWriter}); with this instance's current metadata the same
	 * transaction commits.
	 */
	@Test
	void aTransactionWithTheGroupMetadataOfAnEarlierGenerationIsRefusedAndWritesNothing() {
		int partition = second.getBean(OrderOwnership.class).owned().iterator().next();
		PlaceOrder command = new PlaceOrder("c-zombie", "EUR", "DE",
				List.of(new OrderLine("SKU-1", 1, Money.of("1.00", "EUR"))));
		OrderCreated created = command.toEvent(UUID.randomUUID(), Instant.now());
		TopicPartition topicPartition = new TopicPartition(Topics.ORDERS, partition);
		assertThat(beforeTheSecondJoined.generationId()).isLessThan(this.ownership.generation().generationId());
		assertThatExceptionOfType(KafkaException.class)
			.isThrownBy(() -> this.template.executeInTransaction((operations) -> {
				operations.send(Topics.ORDERS, partition, created.orderId().toString(), created).join();
				operations.sendOffsetsToTransaction(Map.of(topicPartition, new OffsetAndMetadata(0)),
						beforeTheSecondJoined);
				return null;
			}));
		// Aborted: read to its end, orders holds no record of it for a read_committed
		// reader, now or later.
		assertThat(this.clients.readCommitted(Topics.ORDERS))
			.noneMatch((record) -> created.orderId().toString().equals(record.key()));
	}

	/**
	 * Exactly one record of this type for the order on {@code orders}, read to its end
	 * once no transaction is open there.
	 */
	/** A key whose order's partition the second instance owns: its POST is forwarded. */
	private String keyOwnedByTheSecondInstance() {
		while (true) {
			String key = "traced-" + UUID.randomUUID();
			if (!this.ownership.owns(this.log.partitionOf(Orders.orderIdFor(key)))) {
				return key;
			}
		}
	}

	private void assertOnOrdersOnce(String orderId, String type) {
		List<ConsumerRecord<String, Object>> records = await().atMost(WITHIN)
			.until(() -> this.clients.readCommitted(Topics.ORDERS)
				.stream()
				.filter((record) -> orderId.equals(record.key()) && type.equals(typeIdOf(record)))
				.toList(), (found) -> !found.isEmpty());
		assertThat(records).as("%s records of order %s", type, orderId).hasSize(1);
	}

	private static String typeIdOf(ConsumerRecord<String, Object> record) {
		Header header = record.headers().lastHeader("__TypeId__");
		return (header != null) ? new String(header.value(), java.nio.charset.StandardCharsets.UTF_8) : null;
	}

	private HttpResponse<String> place(int port, String key, String customerId) throws Exception {
		return placeAsync(port, key, customerId).get();
	}

	private CompletableFuture<HttpResponse<String>> placeAsync(int port, String key, String customerId) {
		Map<String, String> headers = (key != null) ? Map.of(OrderController.IDEMPOTENCY_KEY, key) : Map.of();
		return this.http.sendAsync(request(port, "/api/orders", headers).POST(HttpRequest.BodyPublishers.ofString("""
				{ "customerId": "%s", "currency": "EUR", "shippingCountry": "DE",
				  "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": "12.50"}] }""".formatted(customerId))).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> send(int port, HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder request(int port, String path, Map<String, String> headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json");
		headers.forEach(builder::header);
		return builder;
	}

	private static String orderIdOf(HttpResponse<String> response) {
		return json.readTree(response.body()).get("orderId").asString();
	}

}
