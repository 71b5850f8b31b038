package com.example.orderflow.orders.order;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import com.example.orderflow.orders.OrdersApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orders API against a real, replicated Kafka cluster, through real HTTP: what an
 * answer promises is what a {@code read_committed} consumer of {@code orders} sees. Tests
 * share the topic, so each one looks only at its own orders.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealKafka
class OrdersOnKafkaTests {

	private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Every order these tests placed, so that a count can wait for all of them. */
	private static final Set<String> placed = ConcurrentHashMap.newKeySet();

	private static boolean transactionsReady;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void connect() {
		awaitTransactionsReady(bootstrapServers());
	}

	/**
	 * The first transaction on a fresh cluster creates {@code __transaction_state} (50
	 * partitions, RF 3), which can take longer than the service's 3 s
	 * {@code max.block.ms}: the service would rightly answer 503. Pay that once, here,
	 * with patience, so the tests measure the service and not the cluster's first use.
	 */
	private static synchronized void awaitTransactionsReady(String bootstrapServers) {
		if (transactionsReady) {
			return;
		}
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders-tests-warm-up-" + UUID.randomUUID(),
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			producer.initTransactions();
		}
		transactionsReady = true;
	}

	@Test
	void acceptedOrderIsCommittedToOrdersKeyedByOrderId() throws Exception {
		HttpResponse<String> response = post("/api/orders", order("c-kafka-1"), Map.of());
		assertThat(response.statusCode()).isEqualTo(201);
		String orderId = json.readTree(response.body()).get("orderId").asString();
		assertThat(response.headers().firstValue("Location")).hasValue("/api/orders/" + orderId);

		// The commit has returned; its markers reach the partitions a moment later.
		List<ConsumerRecord<String, Object>> records = awaitRecordsOf(orderId, 1);
		ConsumerRecord<String, Object> record = records.get(0);
		assertThat(record.key()).isEqualTo(orderId);
		assertThat(typeIdOf(record)).isEqualTo(EventTypes.ORDER_CREATED);
		assertThat(record.value()).isInstanceOfSatisfying(OrderCreated.class, (created) -> {
			assertThat(created.customerId()).isEqualTo("c-kafka-1");
			assertThat(created.total().amount()).isEqualByComparingTo("25.00");
			assertThat(created.shippingCountry()).isEqualTo("DE");
		});
		// Money is a decimal string on the wire, never a binary floating point number.
		JsonNode wire = json.readTree(wireValueOf(record));
		assertThat(wire.get("total").get("amount").isString()).isTrue();
		assertThat(wire.get("total").get("amount").asString()).isEqualTo("25.00");
		assertThat(wire.get("lines").get(0).get("unitPrice").get("amount").asString()).isEqualTo("12.50");
	}

	@Test
	void everyStageOfAnOrdersWaitForIts201IsTimedBeforeTheAnswer() throws Exception {
		Map<String, Long> before = writeStageCounts();

		HttpResponse<String> response = post("/api/orders", order("c-kafka-stages"), Map.of());

		assertThat(response.statusCode()).isEqualTo(201);
		Map<String, Long> after = writeStageCounts();
		assertThat(after.keySet()).containsExactlyInAnyOrder("queued", "sent", "committed", "visible");
		after.forEach((stage, count) -> assertThat(count).as(stage).isGreaterThan(before.get(stage)));
	}

	private Map<String, Long> writeStageCounts() {
		Map<String, Long> counts = new HashMap<>();
		this.meters.get("orderflow.orders.events.write")
			.timers()
			.forEach((timer) -> counts.put(timer.getId().getTag("stage"), timer.count()));
		return counts;
	}

	@Test
	void cancellationFollowsItsOrderOnTheSamePartitionAndOnlyOnce() throws Exception {
		String orderId = placeOrder("c-kafka-2");
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> cancel = post("/api/orders/" + orderId + "/cancel", "{\"reason\": \"too slow\"}",
					Map.of());
			assertThat(cancel.statusCode()).isEqualTo(200);
			assertThat(json.readTree(cancel.body()).get("status").asString()).isEqualTo("CANCELLED");
		}
		List<ConsumerRecord<String, Object>> records = awaitRecordsOf(orderId, 2);
		assertThat(records).extracting(OrdersOnKafkaTests::typeIdOf)
			.containsExactly(EventTypes.ORDER_CREATED, EventTypes.ORDER_CANCELLED);
		assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
		assertThat(records.get(1).offset()).isGreaterThan(records.get(0).offset());
		HttpResponse<String> state = get("/api/orders/" + orderId);
		assertThat(json.readTree(state.body()).get("status").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void retriesWithTheSameIdempotencyKeyWriteOneRecord() throws Exception {
		String key = "retry-" + UUID.randomUUID();
		HttpResponse<String> first = post("/api/orders", order("c-kafka-3"), Map.of("Idempotency-Key", key));
		HttpResponse<String> retry = post("/api/orders", order("c-kafka-3"), Map.of("Idempotency-Key", key));
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		String orderId = json.readTree(first.body()).get("orderId").asString();
		placed.add(orderId);
		awaitRecordsOf(orderId, 1);
		assertThat(recordsOf(orderId)).hasSize(1);
	}

	@Test
	void concurrentDuplicatesWithOneIdempotencyKeyWriteOneRecord() throws Exception {
		String key = "burst-" + UUID.randomUUID();
		List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			burst.add(this.http.sendAsync(request("/api/orders", Map.of("Idempotency-Key", key))
				.POST(HttpRequest.BodyPublishers.ofString(order("c-kafka-4")))
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		Set<String> orderIds = ConcurrentHashMap.newKeySet();
		for (CompletableFuture<HttpResponse<String>> response : burst) {
			assertThat(response.get().statusCode()).isEqualTo(201);
			orderIds.add(json.readTree(response.get().body()).get("orderId").asString());
		}
		assertThat(orderIds).hasSize(1);
		String orderId = orderIds.iterator().next();
		placed.add(orderId);
		awaitRecordsOf(orderId, 1);
		assertThat(recordsOf(orderId)).hasSize(1);
	}

	/**
	 * What a restart, or a second instance, finds: nothing in its memory, everything in
	 * {@code orders}. A fresh instance of the application on the same cluster answers for
	 * an order and a key of this one: the order can be read and cancelled there, the key
	 * returns the same order and writes nothing, the key with another order is a 409.
	 * With the orders and keys kept in memory, as before, the fresh instance answered 404
	 * and wrote a second order for the key.
	 */
	@Test
	void aFreshInstanceKnowsEveryEarlierOrderAndIdempotencyKey() throws Exception {
		String key = "restart-" + UUID.randomUUID();
		HttpResponse<String> first = post("/api/orders", order("c-restart"), Map.of("Idempotency-Key", key));
		assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
		String orderId = json.readTree(first.body()).get("orderId").asString();
		placed.add(orderId);
		// Arguments, as the demo passes them: they win over the project's defaults.
		try (ConfigurableApplicationContext fresh = new SpringApplicationBuilder(OrdersApplication.class)
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=" + bootstrapServers())) {
			int freshPort = fresh.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			HttpResponse<String> read = this.http.send(
					request(freshPort, "/api/orders/" + orderId, Map.of()).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
			assertThat(json.readTree(read.body()).get("customerId").asString()).isEqualTo("c-restart");

			HttpResponse<String> retry = this.http
				.send(request(freshPort, "/api/orders", Map.of("Idempotency-Key", key))
					.POST(HttpRequest.BodyPublishers.ofString(order("c-restart")))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(retry.statusCode()).as(retry.body()).isEqualTo(201);
			assertThat(retry.body()).isEqualTo(first.body());

			HttpResponse<String> reused = this.http
				.send(request(freshPort, "/api/orders", Map.of("Idempotency-Key", key))
					.POST(HttpRequest.BodyPublishers.ofString(order("c-other")))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(reused.statusCode()).as(reused.body()).isEqualTo(409);

			HttpResponse<String> cancel = this.http
				.send(request(freshPort, "/api/orders/" + orderId + "/cancel", Map.of())
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
		}
		List<ConsumerRecord<String, Object>> records = awaitRecordsOf(orderId, 2);
		assertThat(records).extracting(OrdersOnKafkaTests::typeIdOf)
			.containsExactly(EventTypes.ORDER_CREATED, EventTypes.ORDER_CANCELLED);
		// The cancel written by the other instance reaches this one's book too.
		await().atMost(VISIBLE_WITHIN)
			.untilAsserted(
					() -> assertThat(json.readTree(get("/api/orders/" + orderId).body()).get("status").asString())
						.isEqualTo("CANCELLED"));
	}

	@Test
	void rejectedRequestsWriteNothing() throws Exception {
		String key = "taken-" + UUID.randomUUID();
		placeOrder("c-kafka-5", key);
		awaitVisible(placed);
		int before = this.clients.readCommitted(Topics.ORDERS).size();

		String marker = "rejected-" + UUID.randomUUID();
		assertThat(post("/api/orders", order(marker).replace("EUR", "EURO"), Map.of()).statusCode()).isEqualTo(400);
		assertThat(post("/api/orders", order(marker).replace("\"quantity\": 2", "\"quantity\": -2"), Map.of())
			.statusCode()).isEqualTo(400);
		assertThat(post("/api/orders", order(marker).replace("\"sku\"", "\"skew\""), Map.of()).statusCode())
			.isEqualTo(400);
		assertThat(post("/api/orders", order(marker).substring(10), Map.of()).statusCode()).isEqualTo(400);
		assertThat(post("/api/orders", order(marker), Map.of("Idempotency-Key", key)).statusCode()).isEqualTo(409);
		assertThat(post("/api/orders/" + UUID.randomUUID() + "/cancel", "", Map.of()).statusCode()).isEqualTo(404);
		HttpResponse<String> wrongType = this.http.send(request("/api/orders", Map.of("Content-Type", "text/plain"))
			.POST(HttpRequest.BodyPublishers.ofString(order(marker)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(wrongType.statusCode()).isEqualTo(415);
		String oversized = order(marker).replace("SKU-1", "SKU-1\", \"padding\": \"" + "x".repeat(70_000));
		assertThat(post("/api/orders", oversized, Map.of()).statusCode()).isEqualTo(413);
		assertThat(postChunked(oversized).statusCode()).isEqualTo(413);

		// Something that is written, after all the rejections: once it is visible,
		// anything the rejections had written would be too.
		String sentinel = placeOrder(marker);
		awaitVisible(Set.of(sentinel));
		List<ConsumerRecord<String, Object>> after = this.clients.readCommitted(Topics.ORDERS);
		assertThat(after).hasSize(before + 1);
		assertThat(after)
			.filteredOn(
					(record) -> record.value() instanceof OrderCreated created && created.customerId().equals(marker))
			.extracting(ConsumerRecord::key)
			.containsExactly(sentinel);
	}

	/**
	 * A broker that refuses the record inside the transaction (here: larger than the
	 * topic's {@code max.message.bytes}, set low for the duration of this test) makes the
	 * transaction abort: 503 problem+json with {@code Retry-After}, and no
	 * {@code read_committed} reader ever sees that order.
	 */
	@Test
	void orderTheClusterRefusesIsAnswered503AndNeverVisible() throws Exception {
		ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ORDERS);
		List<String> refused = new ArrayList<>();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			alter(admin, orders, new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "512"),
					AlterConfigOp.OpType.SET));
			try {
				// The new limit reaches every partition leader within moments.
				await().atMost(VISIBLE_WITHIN).until(() -> {
					String marker = "refused-" + UUID.randomUUID();
					HttpResponse<String> response = post("/api/orders", largeOrder(marker), Map.of());
					if (response.statusCode() == 503) {
						refused.add(marker);
						assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
						assertThat(response.headers().firstValue("Retry-After")).isPresent();
						return true;
					}
					placed.add(json.readTree(response.body()).get("orderId").asString());
					return false;
				});
			}
			finally {
				alter(admin, orders, new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, ""),
						AlterConfigOp.OpType.DELETE));
			}
		}
		// Back to normal for the tests after this one, and proof that the topic works.
		String sentinel = await().atMost(VISIBLE_WITHIN).until(() -> {
			HttpResponse<String> response = post("/api/orders", largeOrder("after-refusal"), Map.of());
			return (response.statusCode() == 201) ? json.readTree(response.body()).get("orderId").asString() : null;
		}, (orderId) -> orderId != null);
		placed.add(sentinel);
		awaitVisible(Set.of(sentinel));
		assertThat(this.clients.committedEvents(Topics.ORDERS))
			.noneMatch((event) -> event instanceof OrderCreated created && refused.contains(created.customerId()));
	}

	@Test
	void chunkedBodyWithinTheLimitIsAccepted() throws Exception {
		HttpResponse<String> response = postChunked(order("c-kafka-6"));
		assertThat(response.statusCode()).isEqualTo(201);
		placed.add(json.readTree(response.body()).get("orderId").asString());
	}

	private String placeOrder(String customerId) throws Exception {
		return placeOrder(customerId, null);
	}

	private String placeOrder(String customerId, String idempotencyKey) throws Exception {
		HttpResponse<String> response = post("/api/orders", order(customerId),
				(idempotencyKey != null) ? Map.of("Idempotency-Key", idempotencyKey) : Map.of());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		String orderId = json.readTree(response.body()).get("orderId").asString();
		placed.add(orderId);
		return orderId;
	}

	private List<ConsumerRecord<String, Object>> awaitRecordsOf(String orderId, int count) {
		placed.add(orderId);
		return await().atMost(VISIBLE_WITHIN).until(() -> recordsOf(orderId), (records) -> records.size() >= count);
	}

	private void awaitVisible(Set<String> orderIds) {
		await().atMost(VISIBLE_WITHIN)
			.until(() -> this.clients.readCommitted(Topics.ORDERS)
				.stream()
				.map(ConsumerRecord::key)
				.toList()
				.containsAll(orderIds));
	}

	private List<ConsumerRecord<String, Object>> recordsOf(String orderId) {
		return this.clients.readCommitted(Topics.ORDERS)
			.stream()
			.filter((record) -> orderId.equals(record.key()))
			.sorted(Comparator.comparingLong(ConsumerRecord::offset))
			.toList();
	}

	/**
	 * The bytes of the record as they are on the wire, read again under read_committed.
	 */
	private String wireValueOf(ConsumerRecord<String, Object> record) {
		return this.clients.readCommittedBytes(record.topic())
			.stream()
			.filter((raw) -> raw.partition() == record.partition() && raw.offset() == record.offset())
			.map((raw) -> new String(raw.value(), StandardCharsets.UTF_8))
			.findFirst()
			.orElseThrow();
	}

	private static String typeIdOf(ConsumerRecord<String, Object> record) {
		Header header = record.headers().lastHeader("__TypeId__");
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private String bootstrapServers() {
		return String.join(",", this.kafka.getBootstrapServers());
	}

	private HttpResponse<String> post(String path, String body, Map<String, String> headers)
			throws IOException, InterruptedException {
		return this.http.send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** No Content-Length: the client streams the body chunked. */
	private HttpResponse<String> postChunked(String body) throws IOException, InterruptedException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return this.http.send(request("/api/orders", Map.of())
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(request(path, Map.of()).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder request(String path, Map<String, String> headers) {
		return request(this.port, path, headers);
	}

	private static HttpRequest.Builder request(int port, String path, Map<String, String> headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			// Generous: a hang fails the test instead of the build.
			.timeout(Duration.ofSeconds(30));
		if (!headers.containsKey("Content-Type")) {
			builder.header("Content-Type", "application/json");
		}
		headers.forEach(builder::header);
		return builder;
	}

	private static void alter(Admin admin, ConfigResource resource, AlterConfigOp operation) throws Exception {
		admin.incrementalAlterConfigs(Map.of(resource, List.of(operation))).all().get(30, TimeUnit.SECONDS);
	}

	/** Ten lines: well over 512 bytes of JSON. */
	private static String largeOrder(String customerId) {
		String lines = IntStream.range(0, 10)
			.mapToObj((i) -> "{\"sku\": \"SKU-%d\", \"quantity\": 1, \"unitPrice\": \"1.00\"}".formatted(i))
			.collect(Collectors.joining(", "));
		return """
				{ "customerId": "%s", "currency": "EUR", "shippingCountry": "DE", "lines": [%s] }"""
			.formatted(customerId, lines);
	}

	private static String order(String customerId) {
		return """
				{ "customerId": "%s", "currency": "EUR", "shippingCountry": "DE",
				  "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": "12.50"}] }""".formatted(customerId);
	}

}
