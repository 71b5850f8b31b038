package com.example.orderflow.orders.order;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The other side of {@link BadInputOnKafkaTests}: text in any script, emoji, and the
 * invisible characters that scripts need (a zero-width non-joiner in Persian, a
 * zero-width joiner inside an emoji sequence) are accepted, and reach {@code orders}
 * exactly as they were sent.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealKafka
class ValidUnicodeOnKafkaTests {

	private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static boolean transactionsReady;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private TestKafkaClients clients;

	static Stream<Named<String>> customerIds() {
		return Stream.of(Named.of("Cyrillic", "Иван Петров"), Named.of("Chinese", "张伟"),
				Named.of("Arabic", "محمد عبد الله"), Named.of("Hindi", "अनन्या शर्मा"),
				Named.of("Persian with a zero-width non-joiner", "فاطمه\u200cزهرا"),
				Named.of("emoji sequence with a zero-width joiner", "\uD83D\uDC69\u200D\uD83D\uDCBB Ada"),
				Named.of("decomposed accent", "Jose\u0301"), Named.of("100 Chinese characters", "张".repeat(100)));
	}

	static Stream<Named<String>> reasons() {
		return Stream.of(Named.of("emoji", "\uD83D\uDE9A too slow \uD83D\uDE1E"), Named.of("Cyrillic", "Слишком долго"),
				Named.of("Chinese", "太慢了"), Named.of("two lines", "Too slow.\nOrdered elsewhere."));
	}

	@BeforeEach
	void connect() {
		String bootstrapServers = String.join(",", this.kafka.getBootstrapServers());
		awaitTransactionsReady(bootstrapServers);
	}

	/**
	 * See {@link OrdersOnKafkaTests}: the first transaction on a fresh cluster is slow.
	 */
	private static synchronized void awaitTransactionsReady(String bootstrapServers) {
		if (transactionsReady) {
			return;
		}
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, "valid-unicode-tests-warm-up-" + UUID.randomUUID(),
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			producer.initTransactions();
		}
		transactionsReady = true;
	}

	@ParameterizedTest(name = "customerId in {0}")
	@MethodSource("customerIds")
	void customerIdInAnyScriptIsAcceptedAndTravelsUnchanged(String customerId) throws Exception {
		String orderId = place(customerId);
		ConsumerRecord<String, Object> record = awaitRecordsOf(orderId, 1).get(0);
		assertThat(record.value()).isInstanceOfSatisfying(OrderCreated.class,
				(created) -> assertThat(created.customerId()).isEqualTo(customerId));
	}

	@ParameterizedTest(name = "cancel reason in {0}")
	@MethodSource("reasons")
	void cancelReasonInAnyScriptIsAcceptedAndTravelsUnchanged(String reason) throws Exception {
		String orderId = place("c-unicode-reason");
		HttpResponse<String> cancelled = post("/api/orders/" + orderId + "/cancel",
				json.writeValueAsString(Map.of("reason", reason)));
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
		assertThat(json.readTree(cancelled.body()).get("status").asString()).isEqualTo("CANCELLED");
		ConsumerRecord<String, Object> record = awaitRecordsOf(orderId, 2).get(1);
		assertThat(record.value()).isInstanceOfSatisfying(OrderCancelled.class,
				(cancellation) -> assertThat(cancellation.reason()).isEqualTo(reason));
	}

	private String place(String customerId) throws Exception {
		String order = json.writeValueAsString(Map.of("customerId", customerId, "currency", "EUR", "shippingCountry",
				"DE", "lines", List.of(Map.of("sku", "SKU-1", "quantity", 2, "unitPrice", "12.50"))));
		HttpResponse<String> response = post("/api/orders", order);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return json.readTree(response.body()).get("orderId").asString();
	}

	private List<ConsumerRecord<String, Object>> awaitRecordsOf(String orderId, int count) {
		return await().atMost(VISIBLE_WITHIN)
			.until(() -> this.clients.readCommitted(Topics.ORDERS)
				.stream()
				.filter((record) -> orderId.equals(record.key()))
				.sorted((a, b) -> Long.compare(a.offset(), b.offset()))
				.toList(), (records) -> records.size() >= count);
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
