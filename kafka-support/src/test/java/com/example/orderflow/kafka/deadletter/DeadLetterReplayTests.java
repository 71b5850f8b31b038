package com.example.orderflow.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import com.example.orderflow.kafka.faults.InjectedFault;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;

import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.DEAD_LETTERS;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.GROUP;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.OUTPUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5 end to end on a real cluster, with faults switched on over HTTP: a poison
 * record is parked with its origin while later orders flow, and a replay into the group's
 * own retry topic processes it exactly once, however often it is asked for, by one
 * instance here and by several in {@link ReplayAcrossInstancesTests}.
 */
@SpringBootTest(classes = DeadLetterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=" + GROUP,
				"orderflow.consumer.retry.delays=" + DeadLetterReplayTests.DELAYS,
				"orderflow.consumer.retry.initial-interval=" + DeadLetterReplayTests.IN_PLACE })
@RealKafka
class DeadLetterReplayTests {

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

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private ParkedRecords index;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private TestKafkaClients clients;

	private DeadLetterAdmin admin;

	@BeforeEach
	void awaitReady() {
		this.admin = DeadLetterAdmin.whenReady(this.port, this.registry, this.index);
	}

	@AfterEach
	void switchFaultsOff() {
		this.admin.switchFaultsOff();
	}

	@Test
	void poisonRecordIsParkedWithItsOriginWhileLaterOrdersFlow() {
		String marker = DeadLetterAdmin.marker();
		this.admin.switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		OrderCreated poison = TestOrders.created(orderId, "customer-" + marker, "DE");
		// Same order, same partition: it queues behind the poison record.
		OrderCreated later = TestOrders.created(orderId, "customer-2", "DE");

		this.clients.send(Topics.ORDERS, poison, later);

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), later.eventId());
		ParkedRecord parked = this.admin.awaitParked(orderId, 0);
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
		String marker = DeadLetterAdmin.marker();
		this.admin.switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		OrderCreated poison = TestOrders.created(orderId, "customer-" + marker, "NL");
		this.clients.send(Topics.ORDERS, poison);
		ParkedRecord parked = this.admin.awaitParked(orderId, 0);
		this.admin.switchFaultsOff();
		double replayedBefore = replayedCount();

		Replays.ReplayReceipt receipt = this.admin.replay(parked)
			.expectStatus()
			.isAccepted()
			.expectBody(Replays.ReplayReceipt.class)
			.returnResult()
			.getResponseBody();

		assertThat(receipt.replayTopic()).isEqualTo(ReplayCopies.RETRY_1);
		assertThat(receipt.replayPartition()).isEqualTo(parked.partition());
		assertThat(receipt.replayCount()).isEqualTo(1);
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), poison.eventId());
		assertThat(this.admin.parkedFor(orderId)).singleElement().satisfies((record) -> {
			assertThat(record.status()).isEqualTo(ParkedRecord.Status.REPLAYED);
			assertThat(record.replayed()).isTrue();
			assertThat(record.replayOffset()).isEqualTo(receipt.replayOffset());
		});
		assertThat(replayedCount()).isEqualTo(replayedBefore + 1);
		ConsumerRecord<String, byte[]> copy = ReplayCopies.of(this.clients, parked).get(0);
		assertThat(copy.partition()).isEqualTo(parked.partition());
		assertThat(copy.offset()).isEqualTo(receipt.replayOffset());
		assertThat(copy.key()).isEqualTo(orderId.toString());
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.REPLAY_COUNT)).contains(1L);
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.ATTEMPT)).contains(2L);
		assertThat(OrderflowHeaders.longValue(copy.headers(), OrderflowHeaders.DUE_AT)).isPresent();
		assertThat(firstText(copy, KafkaHeaders.DLT_ORIGINAL_TOPIC)).as("original headers kept")
			.contains(Topics.ORDERS);
		assertThat(copy.headers().lastHeader("__TypeId__")).isNotNull();

		this.admin.replay(parked)
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Already replayed")
			.jsonPath("$.recordStatus")
			.isEqualTo("REPLAYED");

		assertThat(ReplayCopies.of(this.clients, parked)).hasSize(1);
		assertThat(this.clients.resultsFor(OUTPUT, Set.of(orderId))).extracting(ResultEvent::causationId)
			.containsExactly(poison.eventId());
	}

	@Test
	void replayAllReplaysEveryParkedRecordAndSaysWhichItSkipped() {
		String marker = DeadLetterAdmin.marker();
		this.admin.switchOn(Map.of("permanentMarker", marker));
		OrderCreated first = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		OrderCreated second = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "AT");
		OrderCreated third = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "BE");
		this.clients.send(Topics.ORDERS, first, second, third);
		ParkedRecord firstParked = this.admin.awaitParked(first.orderId(), 0);
		ParkedRecord secondParked = this.admin.awaitParked(second.orderId(), 0);
		// Replayed while the fault is still on: parked again, with a replay count.
		ParkedRecord thirdParked = this.admin.awaitParked(third.orderId(), 0);
		this.admin.replay(thirdParked).expectStatus().isAccepted();
		ParkedRecord thirdParkedAgain = this.admin.awaitParked(third.orderId(), 1);
		this.admin.switchFaultsOff();

		Replays.ReplayReport report = this.admin.http()
			.post()
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
		assertThat(this.admin.list()).extracting(ParkedRecord::parkedAt).isSorted();
	}

	@Test
	void transientFaultIsRetriedAndTheOrderProcessedExactlyOnce() {
		double injectedBefore = injected("transient");
		this.admin.switchOn(Map.of("transientShare", 1.0, "transientFailures", 1));
		OrderCreated order = TestOrders.created();

		this.clients.send(Topics.ORDERS, order);

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(order.orderId()), order.eventId());
		assertThat(injected("transient")).isGreaterThan(injectedBefore);
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), order.orderId())).isEmpty();
		assertThat(this.admin.parkedFor(order.orderId())).isEmpty();
	}

	@Test
	void recordThatKeepsFailingStaysParkedOnceItsReplaysAreExhausted() {
		String marker = DeadLetterAdmin.marker();
		this.admin.switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		this.clients.send(Topics.ORDERS, TestOrders.created(orderId, "customer-" + marker, "IT"));

		for (int replays = 0; replays < 3; replays++) {
			this.admin.replay(this.admin.awaitParked(orderId, replays)).expectStatus().isAccepted();
		}
		ParkedRecord exhausted = this.admin.awaitParked(orderId, 3);

		assertThat(exhausted.status()).isEqualTo(ParkedRecord.Status.REPLAYS_EXHAUSTED);
		assertThat(exhausted.originalTopic()).as("the first hop still names orders").isEqualTo(Topics.ORDERS);
		this.admin.replay(exhausted)
			.expectStatus()
			.isEqualTo(HttpStatus.CONFLICT)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Replays exhausted");
		assertThat(this.admin.parkedFor(orderId)).extracting(ParkedRecord::status)
			.containsExactly(ParkedRecord.Status.REPLAYED, ParkedRecord.Status.REPLAYED, ParkedRecord.Status.REPLAYED,
					ParkedRecord.Status.REPLAYS_EXHAUSTED);
		assertThat(this.clients.resultsFor(OUTPUT, Set.of(orderId))).isEmpty();
	}

	@Test
	void faultsAreSwitchedAtRuntimeThroughTheAdminEndpoint() {
		this.admin.http()
			.get()
			.uri("/admin/faults")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.transientShare")
			.isEqualTo(0.0)
			.jsonPath("$.permanentMarker")
			.doesNotExist();
		this.admin.http()
			.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("transientShare", 1.5))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.admin.http()
			.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{not json")
			.exchange()
			.expectStatus()
			.isBadRequest();

		String marker = DeadLetterAdmin.marker();
		this.admin.switchOn(Map.of("transientShare", 0.25, "transientFailures", 2, "permanentMarker", marker));
		this.admin.http()
			.get()
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
		this.admin.awaitParked(whileOn.orderId(), 0);

		this.admin.http()
			.delete()
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
		this.admin.http()
			.post()
			.uri("/admin/dead-letters/0/999999999/replay")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.admin.http().post().uri("/admin/dead-letters/first/1/replay").exchange().expectStatus().isBadRequest();
	}

	private double replayedCount() {
		return this.meters.get("orderflow.events.replayed").tag("group", GROUP).counter().count();
	}

	private double injected(String kind) {
		return this.meters.get("orderflow.faults.injected").tag("group", GROUP).tag("kind", kind).counter().count();
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
