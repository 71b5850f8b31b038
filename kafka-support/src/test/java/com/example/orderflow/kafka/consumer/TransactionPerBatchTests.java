package com.example.orderflow.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.HandlingRuns;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.LostCommitAnswers;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Kafka transaction per batch, each record decided on its own, in a blocking group on
 * a real cluster: the records of a poll share one transaction; a poison record, a
 * rejection after publishing, a transient failure, an output the cluster refuses, a
 * commit whose answer is lost and a member joining mid-batch each change nothing for the
 * other records and never write an output twice.
 */
@SpringBootTest(classes = BatchTestApplication.class,
		properties = { "spring.application.name=batch-tests", "test.group=" + TransactionPerBatchTests.GROUP,
				"test.output=" + TransactionPerBatchTests.OUTPUT, "orderflow.instance-id=first" })
@RealKafka
class TransactionPerBatchTests {

	static final String GROUP = "batch-tests";

	static final String OUTPUT = "batch-tests-notifications";

	private static final String DEAD_LETTERS = Topics.deadLetter(GROUP);

	private static final String INSTANCE = "first";

	private static final String SECOND_INSTANCE = "second";

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private LostCommitAnswers lostCommitAnswers;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void aPoisonRecordInTheMiddleOfAPollIsParkedWhileEveryOtherRecordCommitsInTheSameTransaction() {
		UUID orderId = UUID.randomUUID();
		List<OrderCreated> before = orders(orderId, "customer-", 10);
		List<OrderCreated> after = orders(orderId, "customer-", 10);
		Transactions transactionsBefore = transactions();

		BatchTestApplication.whileStopped(this.registry, () -> {
			this.clients.send(Topics.ORDERS, before.toArray(DomainEvent[]::new));
			this.clients.sendBytes(Topics.ORDERS, orderId.toString(), "not an event".getBytes(StandardCharsets.UTF_8));
			this.clients.send(Topics.ORDERS, after.toArray(DomainEvent[]::new));
		});

		List<OrderCreated> good = Stream.concat(before.stream(), after.stream()).toList();
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), eventIds(good));
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId)).singleElement()
			.satisfies((parked) -> assertThat(new String(parked.value(), StandardCharsets.UTF_8))
				.isEqualTo("not an event"));
		Transactions transactionsAfter = transactions();
		assertThat(transactionsAfter.count() - transactionsBefore.count()).as("transactions").isEqualTo(1);
		assertThat(transactionsAfter.records() - transactionsBefore.records()).as("records in them").isEqualTo(21);
	}

	@Test
	void aRecordRejectedAfterItPublishedLeavesNoOutputBehindAndTheOthersCommit() {
		UUID orderId = UUID.randomUUID();
		OrderCreated first = TestOrders.created(orderId, "customer-a", "DE");
		OrderCreated rejected = TestOrders.created(orderId, BatchTestApplication.REJECTED_AFTER_OUTPUT + "b", "DE");
		OrderCreated last = TestOrders.created(orderId, "customer-c", "DE");

		BatchTestApplication.whileStopped(this.registry, () -> this.clients.send(Topics.ORDERS, first, rejected, last));

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), first.eventId(), last.eventId());
		List<ConsumerRecord<String, byte[]>> parked = keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId);
		assertThat(parked).singleElement()
			.satisfies((record) -> assertThat(lastText(record, KafkaHeaders.DLT_EXCEPTION_FQCN))
				.isEqualTo(RejectedEventException.class.getName()));
	}

	@Test
	void aTransientFailureIsRetriedInPlaceAfterTheRecordsBeforeItCommittedAndTheCancelStillComesAfterIt() {
		UUID orderId = UUID.randomUUID();
		OrderCreated before = TestOrders.created(orderId, "customer-before", "DE");
		OrderCreated flaky = TestOrders.created(orderId, BatchTestApplication.FAILS_ONCE + "x", "DE");
		OrderCancelled cancellation = TestOrders.cancelled(flaky);
		Transactions transactionsBefore = transactions();

		BatchTestApplication.whileStopped(this.registry,
				() -> this.clients.send(Topics.ORDERS, before, flaky, cancellation));

		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId),
				before.eventId(), flaky.eventId(), cancellation.eventId());
		// Read in partition order: the cancel's output comes after its order's.
		assertThat(results).extracting(ResultEvent::causationId)
			.containsExactly(before.eventId(), flaky.eventId(), cancellation.eventId());
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId)).isEmpty();
		// The record before the failure committed alone, before the back-off; the rest
		// after it.
		assertThat(transactions().count() - transactionsBefore.count()).isEqualTo(2);
	}

	@Test
	void aCommitThatTheClusterTookButTheClientSawFailHandlesNothingTwiceAndRoutesNothing() {
		UUID orderId = UUID.randomUUID();
		OrderCreated order = TestOrders.created(orderId, "customer-1", "DE");
		double rollbacksBefore = rollbacks();
		this.lostCommitAnswers.arm();

		this.clients.send(Topics.ORDERS, order);

		await().atMost(Duration.ofSeconds(60)).until(this.lostCommitAnswers::lost);
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), order.eventId());
		assertThat(rollbacks() - rollbacksBefore).as("transactions seen as rolled back").isEqualTo(1);
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId)).as("parked").isEmpty();
		assertThat(keyed(this.clients.readCommittedBytes(Topics.retry(GROUP, 1)), orderId)).as("sent to retry")
			.isEmpty();
	}

	@Test
	void anOutputTheClusterRefusesForGoodParksItsRecordAndTheOthersCommit() throws Exception {
		UUID orderId = UUID.randomUUID();
		OrderCreated small = TestOrders.created(orderId, "customer-small", "DE");
		OrderCreated large = TestOrders.created(orderId, "customer-" + "x".repeat(40_000), "DE");
		OrderCreated alsoSmall = TestOrders.created(orderId, "customer-also-small", "DE");
		try (Admin admin = admin()) {
			// Above the producer's batch.size (16 KiB), as a topic's limit is in
			// practice: a batch of small records that fits batch.size but not a lower
			// limit is split into the same batch again and again until the transaction
			// times out (Kafka's producer splits to batch.size), not what this shows.
			setOutputMaxMessageBytes(admin, String.valueOf(32 * 1024));
			try {
				BatchTestApplication.whileStopped(this.registry,
						() -> this.clients.send(Topics.ORDERS, small, large, alsoSmall));
				this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), small.eventId(),
						alsoSmall.eventId());
			}
			finally {
				setOutputMaxMessageBytes(admin, null);
			}
		}
		assertThat(keyed(this.clients.readCommittedBytes(DEAD_LETTERS), orderId)).singleElement()
			.satisfies((parked) -> assertThat(lastText(parked, KafkaHeaders.DLT_EXCEPTION_FQCN))
				.isEqualTo(OutputRefusedException.class.getName()));
	}

	@Test
	void aCaughtUpGroupCommitsToTheLogEndDespiteTransactionMarkers() throws Exception {
		OrderCreated order = TestOrders.created();
		this.clients.send(Topics.ORDERS, order);
		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(order.orderId()), order.eventId());
		try (Admin admin = admin()) {
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(committed(admin)).isEqualTo(logEnds(admin, Topics.ORDERS)));
		}
	}

	@Test
	void aMemberJoiningWhileAPollIsHandledLeadsToNoOutputTwice() {
		List<OrderCreated> before = slowOrders(300);
		List<OrderCreated> after = slowOrders(300);
		Transactions transactionsBefore = transactions();
		this.clients.send(Topics.ORDERS, before.toArray(DomainEvent[]::new));
		// Some transactions committed: this member is in the middle of its polls, 6 s of
		// work, when the second one asks to join.
		await().atMost(Duration.ofSeconds(60)).until(() -> transactions().count() > transactionsBefore.count());
		try (ConfigurableApplicationContext second = secondInstance()) {
			ListenerAssignments.awaitAssigned(second.getBean(KafkaListenerEndpointRegistry.class));
			this.clients.send(Topics.ORDERS, after.toArray(DomainEvent[]::new));

			List<OrderCreated> all = Stream.concat(before.stream(), after.stream()).toList();
			List<UUID> orderIds = all.stream().map(OrderCreated::orderId).toList();
			this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, orderIds, eventIds(all));
			List<ConsumerRecord<String, Object>> outputs = outputsFor(orderIds);
			assertThat(outputs).extracting((record) -> lastText(record, OrderflowHeaders.INSTANCE))
				.as("the instances that wrote the outputs")
				.containsOnly(INSTANCE, SECOND_INSTANCE)
				.contains(SECOND_INSTANCE);
			assertThat(outputs).allSatisfy((record) -> assertThat(lastText(record, OrderflowHeaders.INPUT)).as("input")
				.startsWith(Topics.ORDERS + "-"));
			assertThat(HandlingRuns.interleavings(handled(outputs)))
				.as("inputs of one partition handled by both instances at once")
				.isEmpty();
		}
	}

	/**
	 * The check above on a setup built to break it: a second consumer outside the group
	 * (its own group id, so the coordinator never weighs it against this one) handles the
	 * same partitions of {@code orders} at the same time and writes to the same output.
	 * Read from the committed outputs, the runs per instance interleave, and the check
	 * names them.
	 */
	@Test
	void theOwnershipCheckCatchesASecondConsumerOfThePartitionsOutsideTheGroup() {
		try (ConfigurableApplicationContext outsider = instance(GROUP + "-outsider", "outsider",
				"--spring.kafka.consumer.auto-offset-reset=latest")) {
			ListenerAssignments.awaitAssigned(outsider.getBean(KafkaListenerEndpointRegistry.class));
			List<OrderCreated> orders = slowOrders(60);
			List<UUID> orderIds = orders.stream().map(OrderCreated::orderId).toList();
			this.clients.send(Topics.ORDERS, orders.toArray(DomainEvent[]::new));

			List<ConsumerRecord<String, Object>> outputs = await().atMost(Duration.ofSeconds(60))
				.until(() -> outputsFor(orderIds), (written) -> written.size() == 2 * orders.size());
			assertThat(outputs).extracting((record) -> lastText(record, OrderflowHeaders.INSTANCE))
				.as("the instances that wrote the outputs")
				.containsOnly(INSTANCE, "outsider");
			assertThat(HandlingRuns.interleavings(handled(outputs)))
				.as("inputs of one partition handled by both consumers at once")
				.isNotEmpty()
				.allSatisfy((interleaving) -> assertThat(interleaving).contains(INSTANCE).contains("outsider"));
		}
	}

	private List<ConsumerRecord<String, Object>> outputsFor(List<UUID> orderIds) {
		return this.clients.readCommitted(OUTPUT)
			.stream()
			.filter((record) -> record.value() instanceof NotificationSent sent && orderIds.contains(sent.orderId()))
			.toList();
	}

	private static List<HandlingRuns.Handled> handled(List<ConsumerRecord<String, Object>> outputs) {
		return outputs.stream().flatMap((record) -> HandlingRuns.Handled.of(record).stream()).toList();
	}

	private static List<OrderCreated> slowOrders(int count) {
		List<OrderCreated> orders = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			orders.add(TestOrders.created(UUID.randomUUID(), BatchTestApplication.SLOW + i, "DE"));
		}
		return orders;
	}

	private ConfigurableApplicationContext secondInstance() {
		return instance(GROUP, SECOND_INSTANCE);
	}

	private ConfigurableApplicationContext instance(String group, String instanceId, String... more) {
		// Arguments, not default properties: those rank below the orderflow defaults.
		List<String> arguments = new ArrayList<>(List.of("--spring.application.name=batch-tests",
				"--test.group=" + group, "--test.output=" + OUTPUT, "--orderflow.instance-id=" + instanceId,
				"--spring.kafka.bootstrap-servers=" + String.join(",", this.kafka.getBootstrapServers())));
		arguments.addAll(List.of(more));
		return new SpringApplicationBuilder(BatchTestApplication.class).web(WebApplicationType.NONE)
			.run(arguments.toArray(String[]::new));
	}

	/** Sends while the listener is stopped, so its next poll holds all of it. */
	private static List<OrderCreated> orders(UUID orderId, String customerPrefix, int count) {
		List<OrderCreated> orders = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			orders.add(TestOrders.created(orderId, customerPrefix + i, "DE"));
		}
		return orders;
	}

	private static UUID[] eventIds(List<OrderCreated> orders) {
		return orders.stream().map(OrderCreated::eventId).toArray(UUID[]::new);
	}

	private static <V> List<ConsumerRecord<String, V>> keyed(List<ConsumerRecord<String, V>> records, UUID orderId) {
		return records.stream().filter((record) -> orderId.toString().equals(record.key())).toList();
	}

	private static String lastText(ConsumerRecord<?, ?> record, String header) {
		Header last = record.headers().lastHeader(header);
		return (last != null) ? new String(last.value(), StandardCharsets.UTF_8) : null;
	}

	private Transactions transactions() {
		DistributionSummary summary = this.meters.find("orderflow.transactions.records").tag("group", GROUP).summary();
		return (summary != null) ? new Transactions(summary.count(), (long) summary.totalAmount())
				: new Transactions(0, 0);
	}

	private double rollbacks() {
		Counter counter = this.meters.find("orderflow.transactions.aborted").tag("group", GROUP).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private Admin admin() {
		return Admin.create(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", this.kafka.getBootstrapServers())));
	}

	private Map<TopicPartition, Long> committed(Admin admin) throws Exception {
		Map<TopicPartition, Long> committed = new HashMap<>();
		for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : admin.listConsumerGroupOffsets(GROUP)
			.partitionsToOffsetAndMetadata()
			.get(30, TimeUnit.SECONDS)
			.entrySet()) {
			if (entry.getKey().topic().equals(Topics.ORDERS)) {
				committed.put(entry.getKey(), entry.getValue().offset());
			}
		}
		return committed;
	}

	private static Map<TopicPartition, Long> logEnds(Admin admin, String topic) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
			latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> ends = new HashMap<>();
		admin.listOffsets(latest)
			.all()
			.get(30, TimeUnit.SECONDS)
			.forEach((partition, info) -> ends.put(partition, info.offset()));
		return ends;
	}

	private static void setOutputMaxMessageBytes(Admin admin, String value) throws Exception {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, OUTPUT);
		AlterConfigOp operation = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value),
				(value != null) ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE);
		admin.incrementalAlterConfigs(Map.of(topic, List.of(operation))).all().get(30, TimeUnit.SECONDS);
	}

	/** What {@code orderflow.transactions.records} counted so far. */
	private record Transactions(long count, long records) {
	}

}
