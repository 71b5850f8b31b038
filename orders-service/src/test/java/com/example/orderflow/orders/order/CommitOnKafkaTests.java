package com.example.orderflow.orders.order;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.LostCommitAnswers;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a 201 promises about the commit of the order's event, and group commit, proven
 * from the cluster's side: the writer's commit can be held back ({@link HeldCommits}, a
 * {@link BeforeCommit} that runs after the cluster acknowledged every record of a
 * transaction and just before its commit), and offsets, transaction markers and the last
 * stable offset are read from the brokers, never from the writer's own numbers. Tests
 * share the topic, so each one looks only at its own orders or at a window of offsets in
 * which only its own orders were written.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "orderflow.orders.writer.max-queued=" + CommitOnKafkaTests.MAX_QUEUED,
				// Long enough for a commit whose answer is lost to be found committed,
				// short
				// enough for the test whose transaction cannot settle.
				"orderflow.orders.writer.outcome-within=" + CommitOnKafkaTests.OUTCOME_WITHIN })
@RealKafka
@Import({ HeldCommits.class, LostCommitAnswers.class, StalledAborts.class })
class CommitOnKafkaTests {

	/**
	 * The writer's queue in these tests: more than the forty of the group-commit test.
	 */
	static final int MAX_QUEUED = 50;

	static final String OUTCOME_WITHIN = "3s";

	private static final Logger logger = LoggerFactory.getLogger(CommitOnKafkaTests.class);

	private static final Duration WITHIN = Duration.ofSeconds(30);

	private static final List<TopicPartition> ORDERS = IntStream.range(0, Topics.PARTITIONS)
		.mapToObj((partition) -> new TopicPartition(Topics.ORDERS, partition))
		.toList();

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private HeldCommits commits;

	@Autowired
	private LostCommitAnswers lostAnswers;

	@Autowired
	private StalledAborts aborts;

	@Autowired
	private MeterRegistry meters;

	private Admin admin;

	@BeforeEach
	void connect() {
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
	}

	@AfterEach
	void letEveryCommitGo() {
		this.commits.open();
		this.admin.close(Duration.ofSeconds(10));
	}

	/**
	 * The writer holds the order's transaction just before its commit. By then every
	 * in-sync replica has the record (a {@code read_uncommitted} reader, which reads up
	 * to the high watermark, finds it) but the transaction is open (the partition's last
	 * stable offset has not passed it): acknowledged is not committed, and the API must
	 * not answer yet. A writer that answered once its sends were acknowledged, before the
	 * commit, fails here.
	 */
	@Test
	void noOrderIsAnsweredWhileItsCommitIsHeldBack() throws Exception {
		Map<TopicPartition, Long> before = awaitNoTransactionOpen();
		this.commits.close();
		CompletableFuture<HttpResponse<String>> answer = placeAsync("c-held");
		List<OrderEvent> transaction = await().atMost(WITHIN)
			.until(this.commits::held, (held) -> !held.isEmpty())
			.get(0);
		assertThat(transaction).hasSize(1);
		String orderId = transaction.get(0).orderId().toString();

		ConsumerRecord<String, byte[]> record = readUncommitted(before, endOffsets(IsolationLevel.READ_UNCOMMITTED))
			.stream()
			.filter((written) -> orderId.equals(written.key()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("The held order " + orderId + " is not in the log"));
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		assertThat(endOffsets(IsolationLevel.READ_COMMITTED).get(partition))
			.as("last stable offset of %s while the commit of %s is held", partition, record.offset())
			.isLessThanOrEqualTo(record.offset());
		await("no answer while the commit is held").during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.until(() -> !answer.isDone());

		this.commits.open();
		HttpResponse<String> response = answer.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		assertThat(orderIdOf(response)).isEqualTo(orderId);
	}

	/**
	 * A commit the cluster took but whose answer was lost on the way back (it timed out
	 * while two brokers were down, say) is a kept order: the writer reads the log until
	 * the transaction is settled and answers 201, never a 503 that would make the client
	 * place the order again. A writer that answered every failed commit with 503 fails
	 * here.
	 */
	@Test
	void anOrderWhoseCommitAnswerIsLostIsAnswered201BecauseTheLogShowsItCommitted() throws Exception {
		this.lostAnswers.arm();
		HttpResponse<String> response = placeAsync("c-lost-answer").get(WITHIN.toSeconds(), TimeUnit.SECONDS);

		assertThat(this.lostAnswers.lost()).as("the commit's answer was lost").isTrue();
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		String orderId = orderIdOf(response);
		assertThat(this.clients.readCommitted(Topics.ORDERS).stream().filter((record) -> orderId.equals(record.key())))
			.as("records of order %s on %s", orderId, Topics.ORDERS)
			.hasSize(1);
	}

	/**
	 * A transaction whose send the cluster cannot take never commits, so its order is
	 * refused as soon as the send fails, not once the abort that follows has returned:
	 * with two of three brokers down that abort waits out {@code max.block.ms} too, and
	 * the 503 came after 24 s instead of 12. Here the send fails at once and the abort is
	 * held until the answer came ({@link StalledAborts}); a writer that answers after the
	 * abort gets no answer out while it is held and fails the first wait, and the order
	 * must never be on {@code orders}.
	 */
	@Test
	void anOrderWhoseSendFailsIsRefusedBeforeTheAbortOfItsTransactionReturns() throws Exception {
		this.aborts.arm();
		CompletableFuture<HttpResponse<String>> answer = placeAsync("c-send-failed");
		HttpResponse<String> response;
		boolean abortReturned;
		try {
			response = await("the answer to an order whose transaction's abort is held").atMost(WITHIN)
				.until(() -> answer.getNow(null), Objects::nonNull);
			abortReturned = this.aborts.aborted();
		}
		finally {
			this.aborts.release();
		}

		assertThat(this.aborts.failed()).as("the send failed").isTrue();
		assertThat(abortReturned).as("the abort returned before the 503 came").isFalse();
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(json.readTree(response.body()).path("outcome").asString()).isEqualTo("refused");
		await().atMost(WITHIN).until(this.aborts::aborted);
		awaitNoTransactionOpen();
		assertThat(this.clients.readCommitted(Topics.ORDERS)
			.stream()
			.map(ConsumerRecord::value)
			.filter(OrderCreated.class::isInstance)
			.map((event) -> ((OrderCreated) event).customerId()))
			.as("orders of the refused customer on %s", Topics.ORDERS)
			.doesNotContain("c-send-failed");
		assertThat(placeAsync("c-after-the-abort").get(WITHIN.toSeconds(), TimeUnit.SECONDS).statusCode())
			.as("the next order, once the abort returned")
			.isEqualTo(201);
	}

	/**
	 * A commit the cluster took, answered 503 "unknown" because it was not settled in
	 * time, and then retried with its {@code Idempotency-Key}: the retry returns the
	 * committed order and writes nothing new. The commit's answer is lost, and a
	 * transaction of another producer, open on the order's partition before it, keeps the
	 * order from being visible, so the writer cannot tell the outcome within
	 * {@value #OUTCOME_WITHIN}. The retry must then wait for the cluster to settle it;
	 * once the other transaction ends, the order is there. An instance that took the key
	 * as new because its book did not show the order yet wrote the order a second time.
	 */
	@Test
	void aRetryAfterA503WhoseCommitDidSucceedReturnsTheCommittedOrderAndWritesNothing() throws Exception {
		String key = "unknown-" + UUID.randomUUID();
		String orderId = Orders.orderIdFor(key).toString();
		int partition = Utils.toPositive(Utils.murmur2(orderId.getBytes(StandardCharsets.UTF_8))) % ORDERS.size();
		try (KafkaProducer<String, byte[]> blocker = openTransactionOn(partition)) {
			this.lostAnswers.arm();
			HttpResponse<String> first = this.http.send(orderRequest("c-unknown", key),
					HttpResponse.BodyHandlers.ofString());
			assertThat(this.lostAnswers.lost()).as("the commit's answer was lost").isTrue();
			assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
			assertThat(first.body()).contains("\"outcome\":\"unknown\"");

			CompletableFuture<HttpResponse<String>> retry = this.http.sendAsync(orderRequest("c-unknown", key),
					HttpResponse.BodyHandlers.ofString());
			await("no answer while the first commit is not settled").during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(3))
				.until(() -> !retry.isDone());
			blocker.abortTransaction();
			HttpResponse<String> answer = retry.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
			assertThat(orderIdOf(answer)).isEqualTo(orderId);
		}
		awaitNoTransactionOpen();
		assertThat(this.clients.readCommitted(Topics.ORDERS).stream().filter((record) -> orderId.equals(record.key())))
			.as("records of order %s on %s", orderId, Topics.ORDERS)
			.hasSize(1);
	}

	/**
	 * A producer of the test's own with a transaction open on one partition of
	 * {@code orders}: nothing written there after it is visible to {@code read_committed}
	 * readers until it ends.
	 */
	private KafkaProducer<String, byte[]> openTransactionOn(int partition) throws Exception {
		KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
						ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders-tests-blocker-" + UUID.randomUUID()),
				new StringSerializer(), new ByteArraySerializer());
		producer.initTransactions();
		producer.beginTransaction();
		producer.send(new ProducerRecord<>(Topics.ORDERS, partition, "blocker", new byte[0]))
			.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
		return producer;
	}

	/**
	 * Group commit, counted from the cluster. Forty orders are placed while the writers'
	 * commits are held back; only when all forty are in held transactions or queued
	 * behind them is the commit let go (and no order has been answered by then). Then the
	 * test reads the window of offsets those orders were written in, from a moment when
	 * no transaction was open on {@code orders} to the next such moment, with a
	 * {@code read_uncommitted} reader: every data record in it is one of the forty, once,
	 * so every other offset in it holds a control record, a transaction marker.
	 * <p>
	 * Why the marker count proves fewer transactions than orders: a transaction ends with
	 * exactly one marker on each partition it wrote to, so the window holds, summed over
	 * the partitions, at least one marker per transaction. With a transaction per order
	 * there would be exactly forty; fewer than forty markers means fewer than forty
	 * transactions, so orders shared them. The held writers take one transaction each and
	 * the rest of the orders are all queued when the commit is let go, so this does not
	 * depend on timing. Run with {@code orderflow.orders.writer.max-batch=1} (a
	 * transaction per order) it fails with 40 markers.
	 */
	@Test
	void fortyOrdersQueuedBehindAHeldCommitShareFewerTransactionsThanOrders() throws Exception {
		int orders = 40;
		Map<TopicPartition, Long> before = awaitNoTransactionOpen();
		this.commits.close();
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < orders; i++) {
			answers.add(placeAsync("c-group-" + i));
		}
		// Held first, then queued: an event moving from the queue into a held
		// transaction in between is counted in neither, never twice.
		await().atMost(WITHIN).until(() -> this.commits.heldEvents() + queued() == orders);
		assertThat(answers).as("answers while the commit was held").noneMatch(CompletableFuture::isDone);
		int heldTransactions = this.commits.held().size();
		this.commits.open();

		Set<String> orderIds = ConcurrentHashMap.newKeySet();
		for (CompletableFuture<HttpResponse<String>> answer : answers) {
			HttpResponse<String> response = answer.get(WITHIN.toSeconds(), TimeUnit.SECONDS);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
			orderIds.add(orderIdOf(response));
		}
		assertThat(orderIds).hasSize(orders);
		Map<TopicPartition, Long> after = awaitNoTransactionOpen();

		List<ConsumerRecord<String, byte[]>> window = readUncommitted(before, after);
		assertThat(window).as("data records written to orders during the test")
			.extracting(ConsumerRecord::key)
			.containsExactlyInAnyOrderElementsOf(orderIds);
		long offsets = ORDERS.stream().mapToLong((partition) -> after.get(partition) - before.get(partition)).sum();
		long markers = offsets - window.size();
		logger.info("{} orders, {} transaction markers, {} transactions held before the commit was let go", orders,
				markers, heldTransactions);
		assertThat(markers)
			.as("transaction markers on orders for %d orders (%d transactions held before the commit was let go)",
					orders, heldTransactions)
			.isLessThan(orders);

		Map<String, Long> committed = this.clients.readCommitted(Topics.ORDERS)
			.stream()
			.filter((record) -> orderIds.contains(record.key()))
			.collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
		assertThat(committed).hasSize(orders).allSatisfy((orderId, records) -> assertThat(records).isOne());
	}

	/**
	 * Offered more orders than the writer's queue holds while the commits are held back,
	 * the API refuses the rest at once: 503, {@code Retry-After}, outcome "refused",
	 * while the queue is still full (so not after the 25 s queue time-out, which would
	 * have emptied it), and none of the refused orders ever reaches {@code orders}. Every
	 * order it queued is answered 201 once the commit goes, and is on {@code orders}
	 * once. With an unbounded queue (run with {@code max-queued} above the orders
	 * offered) nothing is answered while the commit is held and the wait for the refusals
	 * times out.
	 */
	@Test
	void ordersBeyondAFullQueueAreRefusedAtOnceAndNeverWritten() throws Exception {
		awaitNoTransactionOpen();
		this.commits.close();
		int offered = MAX_QUEUED + 20;
		double refusedBefore = this.meters.get("orderflow.orders.events.refused").counter().count();
		List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < offered; i++) {
			answers.add(placeAsync("c-full-" + i));
		}
		await().atMost(WITHIN)
			.until(() -> answers.stream().filter(CompletableFuture::isDone).count() + this.commits.heldEvents()
					+ queued() == offered);
		assertThat(queued()).as("orders queued when the refusals came").isEqualTo(MAX_QUEUED);
		Set<String> refused = new HashSet<>();
		for (int i = 0; i < offered; i++) {
			if (answers.get(i).isDone()) {
				HttpResponse<String> response = answers.get(i).join();
				assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
				assertThat(response.headers().firstValue("Retry-After")).isPresent();
				assertThat(json.readTree(response.body()).path("outcome").asString()).isEqualTo("refused");
				refused.add("c-full-" + i);
			}
		}
		assertThat(refused).as("refused while the commit was held")
			.hasSize(offered - MAX_QUEUED - this.commits.heldEvents());
		assertThat(this.meters.get("orderflow.orders.events.refused").counter().count() - refusedBefore)
			.isEqualTo(refused.size());
		this.commits.open();

		Set<String> accepted = new HashSet<>();
		for (int i = 0; i < offered; i++) {
			HttpResponse<String> response = answers.get(i).get(WITHIN.toSeconds(), TimeUnit.SECONDS);
			if (!refused.contains("c-full-" + i)) {
				assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
				accepted.add("c-full-" + i);
			}
		}
		Map<String, Long> onOrders = this.clients.readCommitted(Topics.ORDERS)
			.stream()
			.map(ConsumerRecord::value)
			.filter(OrderCreated.class::isInstance)
			.map((event) -> ((OrderCreated) event).customerId())
			.filter((customer) -> customer.startsWith("c-full-"))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(onOrders.keySet()).as("customers with an order on %s", Topics.ORDERS)
			.containsExactlyInAnyOrderElementsOf(accepted);
		assertThat(onOrders.values()).allSatisfy((records) -> assertThat(records).isOne());
	}

	/**
	 * The moment each 201 arrives, the order's record is visible to a
	 * {@code read_committed} reader: the client asks the cluster for the last stable
	 * offset of every partition of {@code orders} as soon as it has the answer, and the
	 * record (found afterwards by its orderId key) must lie below it. 200 orders from 8
	 * clients at once, so that transactions are shared and commits overlap. A writer that
	 * answered before its commit fails here too, as does one that answered after the
	 * coordinator accepted the commit but before the markers made it visible.
	 */
	@Test
	void everyOrderIsVisibleToReadCommittedReadersWhenIts201Arrives() throws Exception {
		int clients = 8;
		int ordersEach = 25;
		Map<String, Map<TopicPartition, Long>> stableAt201 = new ConcurrentHashMap<>();
		ExecutorService callers = Executors.newFixedThreadPool(clients);
		try {
			List<Future<Void>> done = new ArrayList<>();
			for (int client = 0; client < clients; client++) {
				String customerId = "c-visible-" + client;
				done.add(callers.submit(() -> {
					for (int i = 0; i < ordersEach; i++) {
						HttpResponse<String> response = this.http.send(orderRequest(customerId),
								HttpResponse.BodyHandlers.ofString());
						Map<TopicPartition, Long> stable = endOffsets(IsolationLevel.READ_COMMITTED);
						assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
						stableAt201.put(orderIdOf(response), stable);
					}
					return null;
				}));
			}
			for (Future<Void> client : done) {
				client.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(stableAt201).hasSize(clients * ordersEach);

		Map<String, List<ConsumerRecord<String, Object>>> records = await().atMost(WITHIN)
			.until(() -> this.clients.readCommitted(Topics.ORDERS)
				.stream()
				.filter((record) -> stableAt201.containsKey(record.key()))
				.collect(Collectors.groupingBy(ConsumerRecord::key)), (found) -> found.size() == stableAt201.size());
		List<String> notYetVisible = new ArrayList<>();
		records.forEach((orderId, written) -> {
			assertThat(written).as("records of order %s", orderId).hasSize(1);
			ConsumerRecord<String, Object> record = written.get(0);
			long stable = stableAt201.get(orderId).get(new TopicPartition(record.topic(), record.partition()));
			if (record.offset() >= stable) {
				notYetVisible.add(orderId + " at " + record.partition() + "@" + record.offset()
						+ ", last stable offset " + stable);
			}
		});
		assertThat(notYetVisible).as("orders answered 201 before a read_committed reader could see them").isEmpty();
	}

	/**
	 * Each partition's high watermark, once no transaction is open on {@code orders} and
	 * every marker is written: then the last stable offset has caught up with it.
	 */
	private Map<TopicPartition, Long> awaitNoTransactionOpen() {
		return await().atMost(WITHIN).until(() -> {
			Map<TopicPartition, Long> stable = endOffsets(IsolationLevel.READ_COMMITTED);
			Map<TopicPartition, Long> end = endOffsets(IsolationLevel.READ_UNCOMMITTED);
			return stable.equals(end) ? end : null;
		}, Objects::nonNull);
	}

	/**
	 * The last stable offset ({@code READ_COMMITTED}) or the high watermark of every
	 * partition of {@code orders}.
	 */
	private Map<TopicPartition, Long> endOffsets(IsolationLevel isolation) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = ORDERS.stream()
			.collect(Collectors.toMap(Function.identity(), (partition) -> OffsetSpec.latest()));
		return this.admin.listOffsets(latest, new ListOffsetsOptions(isolation))
			.all()
			.get(WITHIN.toSeconds(), TimeUnit.SECONDS)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
	}

	/**
	 * The data records of {@code orders} from one offset to another per partition, as a
	 * {@code read_uncommitted} reader sees them: open and aborted transactions included,
	 * transaction markers not (they are not returned, only skipped).
	 */
	private List<ConsumerRecord<String, byte[]>> readUncommitted(Map<TopicPartition, Long> from,
			Map<TopicPartition, Long> to) {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_UNCOMMITTED.toString());
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			consumer.assign(ORDERS);
			from.forEach(consumer::seek);
			List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + WITHIN.toNanos();
			while (ORDERS.stream().anyMatch((partition) -> consumer.position(partition) < to.get(partition))) {
				assertThat(System.nanoTime()).as("reading orders up to %s", to).isLessThan(deadline);
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
					if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
						records.add(record);
					}
				}
			}
			return records;
		}
	}

	private double queued() {
		return this.meters.get("orderflow.orders.events.queued").gauge().value();
	}

	private CompletableFuture<HttpResponse<String>> placeAsync(String customerId) {
		return this.http.sendAsync(orderRequest(customerId), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest orderRequest(String customerId) {
		return orderRequest(customerId, "key-" + UUID.randomUUID());
	}

	private HttpRequest orderRequest(String customerId, String idempotencyKey) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/orders"))
			// Generous: a hang fails the test instead of the build.
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", idempotencyKey)
			.POST(HttpRequest.BodyPublishers.ofString("""
					{ "customerId": "%s", "currency": "EUR", "shippingCountry": "DE",
					  "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": "12.50"}] }""".formatted(customerId)))
			.build();
	}

	private static String orderIdOf(HttpResponse<String> response) {
		return json.readTree(response.body()).get("orderId").asString();
	}

	private String bootstrapServers() {
		return String.join(",", this.kafka.getBootstrapServers());
	}

}
