package com.example.orderflow.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import com.example.orderflow.kafka.faults.InjectedFault;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.web.servlet.client.RestTestClient;

import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.GROUP;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantee 5 end to end on a real cluster, with faults switched on over HTTP: a poison
 * record is parked with its origin while later orders flow, and a replay into the group's
 * own retry topic processes it exactly once, however often it is asked for.
 */
@SpringBootTest(classes = DeadLetterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=" + GROUP,
				"orderflow.consumer.retry.delays=" + DeadLetterReplayTests.DELAYS,
				"orderflow.consumer.retry.initial-interval=" + DeadLetterReplayTests.IN_PLACE })
@RealKafka
class DeadLetterReplayTests {

	private static final Duration WITHIN = Duration.ofSeconds(60);

	/**
	 * The retry topics' delays: a record that keeps failing is parked after both, and the
	 * tests park and replay dozens; the services' own (1 s, 5 s) would only make them
	 * wait.
	 */
	static final String DELAYS = "500ms,500ms";

	/**
	 * The first wait of the retries in place (then twice as long): each record the tests
	 * park is tried three times before, one after another on its partition, and with the
	 * services' 200 ms the twenty of the concurrent replays took 12 s to park.
	 */
	static final String IN_PLACE = "20ms";

	/** Often enough that a race left open shows, short enough for a quick test. */
	private static final int CONCURRENT_ROUNDS = 20;

	private static final String DEAD_LETTERS = Topics.deadLetter(GROUP);

	private static final String RETRY_1 = Topics.retry(GROUP, 1);

	private static final ParameterizedTypeReference<List<ParkedRecord>> PARKED_LIST = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private ParkedRecords index;

	@Autowired
	private DeadLetterTopic deadLetterTopic;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private TestKafkaClients clients;

	private RestTestClient http;

	@BeforeEach
	void awaitReady() {
		ListenerAssignments.awaitAssigned(this.registry);
		await().atMost(WITHIN).until(this.index::isLoaded);
		this.http = client(this.port);
		switchFaultsOff();
	}

	@AfterEach
	void switchFaultsOff() {
		this.http.delete().uri("/admin/faults").exchange().expectStatus().isOk();
	}

	@Test
	void poisonRecordIsParkedWithItsOriginWhileLaterOrdersFlow() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		OrderCreated poison = TestOrders.created(orderId, "customer-" + marker, "DE");
		// Same order, same partition: it queues behind the poison record.
		OrderCreated later = TestOrders.created(orderId, "customer-2", "DE");

		this.clients.send(Topics.ORDERS, poison, later);

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), later.eventId());
		ParkedRecord parked = awaitParked(orderId, 0);
		ConsumerRecord<String, Object> original = this.clients.readCommitted(Topics.ORDERS)
			.stream()
			.filter((record) -> record.value() instanceof OrderCreated created
					&& created.eventId().equals(poison.eventId()))
			.findFirst()
			.orElseThrow();
		assertThat(parked.originalTopic()).isEqualTo(Topics.ORDERS);
		assertThat(parked.originalPartition()).isEqualTo(original.partition());
		assertThat(parked.originalOffset()).isEqualTo(original.offset());
		assertThat(parked.partition()).isEqualTo(original.partition());
		assertThat(parked.originalTimestamp()).isNotNull();
		assertThat(parked.exceptionClass()).isEqualTo(InjectedFault.class.getName());
		assertThat(parked.exceptionMessage()).contains(marker);
		assertThat(parked.status()).isEqualTo(ParkedRecord.Status.PARKED);
		assertThat(parked.replayed()).isFalse();
		assertThat(parked.replayCount()).isZero();

		ConsumerRecord<String, byte[]> deadLetter = keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId)
			.get(0);
		assertThat(deadLetter.offset()).isEqualTo(parked.offset());
		assertThat(firstText(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).contains(Topics.ORDERS);
		assertThat(firstText(deadLetter, KafkaHeaders.DLT_EXCEPTION_STACKTRACE))
			.hasValueSatisfying((trace) -> assertThat(trace).contains(InjectedFault.class.getName()));
		assertThat(this.meters.get("orderflow.faults.injected")
			.tag("group", GROUP)
			.tag("kind", "permanent")
			.counter()
			.count()).isPositive();
	}

	@Test
	void replayAfterTheFaultIsSwitchedOffProcessesTheOrderExactlyOnceAndASecondReplayIsRefused() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		OrderCreated poison = TestOrders.created(orderId, "customer-" + marker, "NL");
		this.clients.send(Topics.ORDERS, poison);
		ParkedRecord parked = awaitParked(orderId, 0);
		switchFaultsOff();
		double replayedBefore = replayedCount();

		Replays.ReplayReceipt receipt = replay(parked).expectStatus()
			.isAccepted()
			.expectBody(Replays.ReplayReceipt.class)
			.returnResult()
			.getResponseBody();

		assertThat(receipt.replayTopic()).isEqualTo(RETRY_1);
		assertThat(receipt.replayPartition()).isEqualTo(parked.partition());
		assertThat(receipt.replayCount()).isEqualTo(1);
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), poison.eventId());
		assertThat(parkedFor(orderId)).singleElement().satisfies((record) -> {
			assertThat(record.status()).isEqualTo(ParkedRecord.Status.REPLAYED);
			assertThat(record.replayed()).isTrue();
			assertThat(record.replayOffset()).isEqualTo(receipt.replayOffset());
		});
		assertThat(replayedCount()).isEqualTo(replayedBefore + 1);
		ConsumerRecord<String, byte[]> copy = replaysOf(parked).get(0);
		assertThat(copy.partition()).isEqualTo(parked.partition());
		assertThat(copy.offset()).isEqualTo(receipt.replayOffset());
		assertThat(copy.key()).isEqualTo(orderId.toString());
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.REPLAY_COUNT)).contains(1L);
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.ATTEMPT)).contains(2L);
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.DUE_AT)).isPresent();
		assertThat(firstText(copy, KafkaHeaders.DLT_ORIGINAL_TOPIC)).as("original headers kept")
			.contains(Topics.ORDERS);
		assertThat(copy.headers().lastHeader("__TypeId__")).isNotNull();

		replay(parked).expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Already replayed")
			.jsonPath("$.recordStatus")
			.isEqualTo("REPLAYED");

		assertThat(replaysOf(parked)).hasSize(1);
		assertThat(this.clients.resultsFor(OUTPUT, Set.of(orderId))).extracting(ResultEvent::causationId)
			.containsExactly(poison.eventId());
	}

	@Test
	void replayMarksSurviveARestartAndAreSeenByEveryInstance() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		this.clients.send(Topics.ORDERS, TestOrders.created(orderId, "customer-" + marker, "FR"));
		ParkedRecord parked = awaitParked(orderId, 0);
		switchFaultsOff();
		Replays.ReplayReceipt receipt = replay(parked).expectStatus()
			.isAccepted()
			.expectBody(Replays.ReplayReceipt.class)
			.returnResult()
			.getResponseBody();
		// What an instance started now loads: the retry topic up to its last stable
		// offset. The 202 promises the copy is below it already.
		assertThat(lastStableOffset(new TopicPartition(RETRY_1, receipt.replayPartition())))
			.as("last stable offset of %s-%d right after the 202", RETRY_1, receipt.replayPartition())
			.isGreaterThan(receipt.replayOffset());

		// A fresh instance knows only what the topics tell it; its own listeners stay
		// off, so the running group is not rebalanced.
		try (ConfigurableApplicationContext restarted = startInstance()) {
			ParkedRecords restartedIndex = restarted.getBean(ParkedRecords.class);
			await().atMost(WITHIN).until(restartedIndex::isLoaded);
			assertThat(restartedIndex.find(parked.id()))
				.hasValueSatisfying((record) -> assertThat(record.status()).isEqualTo(ParkedRecord.Status.REPLAYED));
			client(portOf(restarted)).post()
				.uri("/admin/dead-letters/{partition}/{offset}/replay", parked.partition(), parked.offset())
				.exchange()
				.expectStatus()
				.isEqualTo(HttpStatus.CONFLICT);
		}
		assertThat(replaysOf(parked)).hasSize(1);
	}

	/**
	 * Two instances of the group, each asked at the same moment to replay the same parked
	 * record, {@value #CONCURRENT_ROUNDS} times over: one answers 202, the other 409, and
	 * each record is copied to the retry topic once and processed once. Neither
	 * instance's index can settle this (each may still read the record as parked); only
	 * one writer per dead-letter partition, fenced by the cluster, can.
	 */
	@Test
	void twoInstancesAskedToReplayTheSameRecordAtTheSameMomentReplayItOnce() throws Exception {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		List<OrderCreated> poisons = IntStream.range(0, CONCURRENT_ROUNDS)
			.mapToObj((i) -> TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE"))
			.toList();
		this.clients.send(Topics.ORDERS, poisons.toArray(OrderCreated[]::new));
		List<ParkedRecord> parked = poisons.stream().map((poison) -> awaitParked(poison.orderId(), 0)).toList();
		switchFaultsOff();

		Map<ParkedRecordId, List<Integer>> answers = new LinkedHashMap<>();
		ExecutorService callers = Executors.newFixedThreadPool(2);
		try (ConfigurableApplicationContext other = startInstance()) {
			ParkedRecords otherIndex = other.getBean(ParkedRecords.class);
			await().atMost(WITHIN).until(otherIndex::isLoaded);
			assertThat(otherIndex.list()).as("what the other instance lists once it says it has read the topics")
				.extracting(ParkedRecord::id)
				.containsAll(parked.stream().map(ParkedRecord::id).toList());
			int otherPort = portOf(other);
			for (ParkedRecord record : parked) {
				CyclicBarrier together = new CyclicBarrier(2);
				Future<Integer> here = callers.submit(() -> replayAtOnce(this.port, record, together));
				Future<Integer> there = callers.submit(() -> replayAtOnce(otherPort, record, together));
				answers.put(record.id(), List.of(here.get(2, TimeUnit.MINUTES), there.get(2, TimeUnit.MINUTES)));
			}
		}
		finally {
			callers.shutdownNow();
		}

		Map<ParkedRecordId, Long> copies = replayCopiesOnRetry1();
		assertThat(answers.keySet())
			.as("replay copies on %s per parked record; answers (this instance, the other): %s", RETRY_1, answers)
			.allSatisfy((id) -> assertThat(copies.getOrDefault(id, 0L)).as("copies of %s", id).isOne());
		assertThat(answers).as("answers (this instance, the other)")
			.allSatisfy((id, statuses) -> assertThat(statuses).containsExactlyInAnyOrder(202, 409));
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, poisons.stream().map(OrderCreated::orderId).toList(),
				poisons.stream().map(OrderCreated::eventId).toArray(UUID[]::new));
		awaitGroupPast(copiesOnRetry1Of(parked));
		assertThat(this.clients.resultsFor(OUTPUT, poisons.stream().map(OrderCreated::orderId).toList()))
			.as("results once the group has committed past every copy")
			.extracting(ResultEvent::causationId)
			.containsExactlyInAnyOrderElementsOf(poisons.stream().map(OrderCreated::eventId).toList());
	}

	/**
	 * "Loaded" lets replays and listings trust the index, so at the moment the index says
	 * it is loaded it must hold every parked record and replay mark that the topics held
	 * when it started reading, not only those of the polls it finished.
	 */
	@Test
	void theIndexHoldsEveryParkedRecordAndReplayMarkTheMomentItSaysItIsLoaded() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		OrderCreated first = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		OrderCreated second = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "PL");
		this.clients.send(Topics.ORDERS, first, second);
		ParkedRecord replayed = awaitParked(first.orderId(), 0);
		awaitParked(second.orderId(), 0);
		switchFaultsOff();
		replay(replayed).expectStatus().isAccepted();
		Set<ParkedRecordId> parked = this.clients.readCommittedBytes(DEAD_LETTERS)
			.stream()
			.map((record) -> new ParkedRecordId(record.partition(), record.offset()))
			.collect(Collectors.toSet());
		Set<ParkedRecordId> marked = replayCopiesOnRetry1().keySet();

		List<Map<ParkedRecordId, ParkedRecord.Status>> atLoaded = new CopyOnWriteArrayList<>();
		ParkedRecords index = new ParkedRecords(3) {

			@Override
			void loaded(boolean loaded) {
				if (loaded) {
					atLoaded.add(list().stream().collect(Collectors.toMap(ParkedRecord::id, ParkedRecord::status)));
				}
				super.loaded(loaded);
			}

		};
		DeadLetterConsumer reader = new DeadLetterConsumer(this.deadLetterTopic, index,
				new ParkedRecordTracing(Tracer.NOOP, Propagator.NOOP, this.deadLetterTopic.groupId()));
		reader.start();
		try {
			await().atMost(WITHIN).until(index::isLoaded);
		}
		finally {
			reader.stop();
		}

		assertThat(atLoaded).first().satisfies((loaded) -> {
			assertThat(loaded.keySet()).as("parked records in the index when it said it was loaded")
				.containsAll(parked);
			assertThat(marked).as("replay marks in the index when it said it was loaded")
				.allSatisfy((id) -> assertThat(loaded).containsEntry(id, ParkedRecord.Status.REPLAYED));
		});
	}

	@Test
	void replayAllReplaysEveryParkedRecordAndSaysWhichItSkipped() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		OrderCreated first = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		OrderCreated second = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "AT");
		OrderCreated third = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "BE");
		this.clients.send(Topics.ORDERS, first, second, third);
		ParkedRecord firstParked = awaitParked(first.orderId(), 0);
		ParkedRecord secondParked = awaitParked(second.orderId(), 0);
		// Replayed while the fault is still on: parked again, with a replay count.
		ParkedRecord thirdParked = awaitParked(third.orderId(), 0);
		replay(thirdParked).expectStatus().isAccepted();
		ParkedRecord thirdParkedAgain = awaitParked(third.orderId(), 1);
		switchFaultsOff();

		Replays.ReplayReport report = this.http.post()
			.uri("/admin/dead-letters/replay-all")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Replays.ReplayReport.class)
			.returnResult()
			.getResponseBody();

		assertThat(report.records()).extracting((receipt) -> new ParkedRecordId(receipt.partition(), receipt.offset()))
			.contains(firstParked.id(), secondParked.id(), thirdParkedAgain.id())
			.doesNotContain(thirdParked.id());
		assertThat(report.replayed()).isEqualTo(report.records().size());
		assertThat(report.skipped()).anySatisfy((skipped) -> {
			assertThat(new ParkedRecordId(skipped.partition(), skipped.offset())).isEqualTo(thirdParked.id());
			assertThat(skipped.status()).isEqualTo(ParkedRecord.Status.REPLAYED);
			assertThat(skipped.reason()).isEqualTo("already replayed");
		});
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT,
				Set.of(first.orderId(), second.orderId(), third.orderId()), first.eventId(), second.eventId(),
				third.eventId());
		assertThat(list()).extracting(ParkedRecord::parkedAt).isSorted();
	}

	@Test
	void transientFaultIsRetriedAndTheOrderProcessedExactlyOnce() {
		double injectedBefore = injected("transient");
		switchOn(Map.of("transientShare", 1.0, "transientFailures", 1));
		OrderCreated order = TestOrders.created();

		this.clients.send(Topics.ORDERS, order);

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(order.orderId()), order.eventId());
		assertThat(injected("transient")).isGreaterThan(injectedBefore);
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), order.orderId())).isEmpty();
		assertThat(parkedFor(order.orderId())).isEmpty();
	}

	@Test
	void recordThatKeepsFailingStaysParkedOnceItsReplaysAreExhausted() {
		String marker = marker();
		switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		this.clients.send(Topics.ORDERS, TestOrders.created(orderId, "customer-" + marker, "IT"));

		for (int replays = 0; replays < 3; replays++) {
			replay(awaitParked(orderId, replays)).expectStatus().isAccepted();
		}
		ParkedRecord exhausted = awaitParked(orderId, 3);

		assertThat(exhausted.status()).isEqualTo(ParkedRecord.Status.REPLAYS_EXHAUSTED);
		assertThat(exhausted.originalTopic()).as("the first hop still names orders").isEqualTo(Topics.ORDERS);
		replay(exhausted).expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Replays exhausted");
		assertThat(parkedFor(orderId)).extracting(ParkedRecord::status)
			.containsExactly(ParkedRecord.Status.REPLAYED, ParkedRecord.Status.REPLAYED, ParkedRecord.Status.REPLAYED,
					ParkedRecord.Status.REPLAYS_EXHAUSTED);
		assertThat(this.clients.resultsFor(OUTPUT, Set.of(orderId))).isEmpty();
	}

	@Test
	void faultsAreSwitchedAtRuntimeThroughTheAdminEndpoint() {
		this.http.get()
			.uri("/admin/faults")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.transientShare")
			.isEqualTo(0.0)
			.jsonPath("$.permanentMarker")
			.doesNotExist();
		this.http.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("transientShare", 1.5))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.http.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest();

		String marker = marker();
		switchOn(Map.of("transientShare", 0.25, "transientFailures", 2, "permanentMarker", marker));
		this.http.get()
			.uri("/admin/faults")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.transientShare")
			.isEqualTo(0.25)
			.jsonPath("$.transientFailures")
			.isEqualTo(2)
			.jsonPath("$.permanentMarker")
			.isEqualTo(marker)
			.jsonPath("$.injected.permanent")
			.isNumber();
		OrderCreated whileOn = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		this.clients.send(Topics.ORDERS, whileOn);
		awaitParked(whileOn.orderId(), 0);

		this.http.delete()
			.uri("/admin/faults")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.transientShare")
			.isEqualTo(0.0)
			.jsonPath("$.permanentMarker")
			.doesNotExist();
		OrderCreated afterOff = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		this.clients.send(Topics.ORDERS, afterOff);
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(afterOff.orderId()), afterOff.eventId());
	}

	@Test
	void replayOfUnknownCoordinatesIsNotFound() {
		this.http.post()
			.uri("/admin/dead-letters/0/999999999/replay")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.http.post().uri("/admin/dead-letters/first/1/replay").exchange().expectStatus().isBadRequest();
	}

	private void switchOn(Map<String, Object> faults) {
		this.http.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body(faults)
			.exchange()
			.expectStatus()
			.isOk();
	}

	private RestTestClient.ResponseSpec replay(ParkedRecord parked) {
		return this.http.post()
			.uri("/admin/dead-letters/{partition}/{offset}/replay", parked.partition(), parked.offset())
			.exchange();
	}

	private List<ParkedRecord> list() {
		return this.http.get()
			.uri("/admin/dead-letters")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(PARKED_LIST)
			.returnResult()
			.getResponseBody();
	}

	private List<ParkedRecord> parkedFor(UUID orderId) {
		return list().stream().filter((record) -> orderId.toString().equals(record.key())).toList();
	}

	/** The parked copy of an order's event that was replayed this often before. */
	private ParkedRecord awaitParked(UUID orderId, int replayCount) {
		return await().atMost(WITHIN)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> parkedFor(orderId).stream()
				.filter((record) -> record.replayCount() == replayCount)
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	/** The copies on retry topic 1 that name this parked record as their origin. */
	private List<ConsumerRecord<String, byte[]>> replaysOf(ParkedRecord parked) {
		return this.clients.readCommittedBytes(RETRY_1)
			.stream()
			.filter((record) -> OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM)
				.filter(parked.id().toString()::equals)
				.isPresent())
			.toList();
	}

	/**
	 * Another instance of the same service in this JVM: it serves the DLQ endpoints but
	 * its listeners stay off, so the running group is not rebalanced.
	 */
	private ConfigurableApplicationContext startInstance() {
		return new SpringApplicationBuilder(DeadLetterTestApplication.class)
			// Arguments, not default properties: those rank below the orderflow defaults.
			.run("--spring.application.name=" + GROUP, "--server.port=0", "--spring.kafka.listener.auto-startup=false",
					"--spring.kafka.bootstrap-servers=" + bootstrapServers(),
					"--orderflow.consumer.retry.delays=" + DELAYS);
	}

	private static int portOf(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** Waits at the barrier with the other caller, then asks for the replay. */
	private static int replayAtOnce(int port, ParkedRecord record, CyclicBarrier together) throws Exception {
		RestTestClient http = client(port);
		together.await(WITHIN.toSeconds(), TimeUnit.SECONDS);
		return http.post()
			.uri("/admin/dead-letters/{partition}/{offset}/replay", record.partition(), record.offset())
			.exchange()
			.returnResult()
			.getStatus()
			.value();
	}

	/** How many copies on retry topic 1 name each parked record as their origin. */
	private Map<ParkedRecordId, Long> replayCopiesOnRetry1() {
		return this.clients.readCommittedBytes(RETRY_1)
			.stream()
			.flatMap((record) -> OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM).stream())
			.flatMap((from) -> ParkedRecordId.parse(from).stream())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private List<ConsumerRecord<String, byte[]>> copiesOnRetry1Of(List<ParkedRecord> parked) {
		Set<String> ids = parked.stream().map((record) -> record.id().toString()).collect(Collectors.toSet());
		return this.clients.readCommittedBytes(RETRY_1)
			.stream()
			.filter((record) -> OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM)
				.filter(ids::contains)
				.isPresent())
			.toList();
	}

	/**
	 * Waits until the group has committed its offsets past each of these records: it
	 * handled them, so no output for them can still come.
	 */
	private void awaitGroupPast(List<ConsumerRecord<String, byte[]>> records) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			await().atMost(WITHIN).untilAsserted(() -> {
				Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
					.partitionsToOffsetAndMetadata()
					.get(30, TimeUnit.SECONDS);
				assertThat(records).allSatisfy((record) -> {
					OffsetAndMetadata offset = committed.get(new TopicPartition(record.topic(), record.partition()));
					assertThat(offset).as("committed offset of %s on %s-%d", GROUP, record.topic(), record.partition())
						.isNotNull();
					assertThat(offset.offset()).isGreaterThan(record.offset());
				});
			});
		}
	}

	/** Where a {@code read_committed} reader that starts now stops reading. */
	private long lastStableOffset(TopicPartition partition) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			return admin
				.listOffsets(Map.of(partition, OffsetSpec.latest()),
						new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
				.partitionResult(partition)
				.get(30, TimeUnit.SECONDS)
				.offset();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not look up the last stable offset of " + partition, ex);
		}
	}

	private double replayedCount() {
		return this.meters.get("orderflow.events.replayed").tag("group", GROUP).counter().count();
	}

	private double injected(String kind) {
		return this.meters.get("orderflow.faults.injected").tag("group", GROUP).tag("kind", kind).counter().count();
	}

	private String bootstrapServers() {
		return String.join(",", this.kafka.getBootstrapServers());
	}

	private static RestTestClient client(int port) {
		return RestTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
	}

	private static String marker() {
		return "poison-" + UUID.randomUUID();
	}

	private static List<ConsumerRecord<String, byte[]>> keyed(List<ConsumerRecord<String, byte[]>> records,
			UUID orderId) {
		return records.stream().filter((record) -> orderId.toString().equals(record.key())).toList();
	}

	private static Optional<String> firstText(ConsumerRecord<?, ?> record, String name) {
		for (Header header : record.headers().headers(name)) {
			return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
		}
		return Optional.empty();
	}

}
