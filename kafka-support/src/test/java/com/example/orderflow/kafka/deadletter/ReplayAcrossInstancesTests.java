package com.example.orderflow.kafka.deadletter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
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
import org.springframework.http.HttpStatus;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static com.example.orderflow.kafka.deadletter.DeadLetterAdmin.WITHIN;
import static com.example.orderflow.kafka.deadletter.DeadLetterAdmin.marker;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.DEAD_LETTERS;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.GROUP;
import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.OUTPUT;
import static com.example.orderflow.kafka.deadletter.ReplayCopies.RETRY_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantee 5 across instances of the group: what a replay marks survives a restart and
 * is seen by every instance, two instances asked at the same moment replay a record once,
 * and an instance's index, once it says it is loaded, holds every parked record and
 * replay mark. The same service and settings as {@link DeadLetterReplayTests} (one
 * instance's replays); a class of its own so that the two run side by side in the
 * module's two test JVMs.
 */
@SpringBootTest(classes = DeadLetterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.application.name=" + GROUP,
				"orderflow.consumer.retry.delays=" + DeadLetterReplayTests.DELAYS,
				"orderflow.consumer.retry.initial-interval=" + DeadLetterReplayTests.IN_PLACE })
@RealKafka
class ReplayAcrossInstancesTests {

	/** Often enough that a race left open shows, short enough for a quick test. */
	private static final int CONCURRENT_ROUNDS = 20;

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
	void replayMarksSurviveARestartAndAreSeenByEveryInstance() {
		String marker = marker();
		this.admin.switchOn(Map.of("permanentMarker", marker));
		UUID orderId = UUID.randomUUID();
		this.clients.send(Topics.ORDERS, TestOrders.created(orderId, "customer-" + marker, "FR"));
		ParkedRecord parked = this.admin.awaitParked(orderId, 0);
		this.admin.switchFaultsOff();
		Replays.ReplayReceipt receipt = this.admin.replay(parked)
			.expectStatus()
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
			new DeadLetterAdmin(portOf(restarted)).replay(parked).expectStatus().isEqualTo(HttpStatus.CONFLICT);
		}
		assertThat(ReplayCopies.of(this.clients, parked)).hasSize(1);
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
		this.admin.switchOn(Map.of("permanentMarker", marker));
		List<OrderCreated> poisons = IntStream.range(0, CONCURRENT_ROUNDS)
			.mapToObj((i) -> TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE"))
			.toList();
		this.clients.send(Topics.ORDERS, poisons.toArray(OrderCreated[]::new));
		List<ParkedRecord> parked = poisons.stream()
			.map((poison) -> this.admin.awaitParked(poison.orderId(), 0))
			.toList();
		this.admin.switchFaultsOff();

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

		Map<ParkedRecordId, Long> copies = ReplayCopies.countByOrigin(this.clients);
		assertThat(answers.keySet())
			.as("replay copies on %s per parked record; answers (this instance, the other): %s", RETRY_1, answers)
			.allSatisfy((id) -> assertThat(copies.getOrDefault(id, 0L)).as("copies of %s", id).isOne());
		assertThat(answers).as("answers (this instance, the other)")
			.allSatisfy((id, statuses) -> assertThat(statuses).containsExactlyInAnyOrder(202, 409));
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, poisons.stream().map(OrderCreated::orderId).toList(),
				poisons.stream().map(OrderCreated::eventId).toArray(UUID[]::new));
		awaitGroupPast(ReplayCopies.of(this.clients, parked));
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
		this.admin.switchOn(Map.of("permanentMarker", marker));
		OrderCreated first = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "DE");
		OrderCreated second = TestOrders.created(UUID.randomUUID(), "customer-" + marker, "PL");
		this.clients.send(Topics.ORDERS, first, second);
		ParkedRecord replayed = this.admin.awaitParked(first.orderId(), 0);
		this.admin.awaitParked(second.orderId(), 0);
		this.admin.switchFaultsOff();
		this.admin.replay(replayed).expectStatus().isAccepted();
		Set<ParkedRecordId> parked = this.clients.readCommittedBytes(DEAD_LETTERS)
			.stream()
			.map((record) -> new ParkedRecordId(record.partition(), record.offset()))
			.collect(Collectors.toSet());
		Set<ParkedRecordId> marked = ReplayCopies.countByOrigin(this.clients).keySet();

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

	/**
	 * Another instance of the same service in this JVM: it serves the DLQ endpoints but
	 * its listeners stay off, so the running group is not rebalanced.
	 */
	private ConfigurableApplicationContext startInstance() {
		return new SpringApplicationBuilder(DeadLetterTestApplication.class)
			// Arguments, not default properties: those rank below the orderflow defaults.
			.run("--spring.application.name=" + GROUP, "--server.port=0", "--spring.kafka.listener.auto-startup=false",
					"--spring.kafka.bootstrap-servers=" + bootstrapServers(),
					"--orderflow.consumer.retry.delays=" + DeadLetterReplayTests.DELAYS);
	}

	private static int portOf(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** Waits at the barrier with the other caller, then asks for the replay. */
	private static int replayAtOnce(int port, ParkedRecord record, CyclicBarrier together) throws Exception {
		DeadLetterAdmin admin = new DeadLetterAdmin(port);
		together.await(WITHIN.toSeconds(), TimeUnit.SECONDS);
		return admin.replay(record).returnResult().getStatus().value();
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

	private String bootstrapServers() {
		return String.join(",", this.kafka.getBootstrapServers());
	}

}
