package com.example.orderflow.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exactly-once check itself, on a real cluster, against a group played by hand: it
 * must report a duplicate that is committed after the first moment nothing is missing,
 * which a check that stops at that moment never sees.
 */
class ExactlyOnceCheckTests {

	private static final String OUTPUT = "exactly-once-check-results";

	private static String bootstrapServers;

	@BeforeAll
	static void createTopics() throws Exception {
		bootstrapServers = InJvmKafkaCluster.bootstrapServers();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			for (String topic : List.of(Topics.ORDERS, OUTPUT)) {
				try {
					admin.createTopics(List.of(new NewTopic(topic, Topics.PARTITIONS, (short) 3)))
						.all()
						.get(30, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					if (!(ex.getCause() instanceof TopicExistsException)) {
						throw ex;
					}
				}
			}
		}
	}

	@Test
	void aDuplicateCommittedAfterTheFirstCompleteMomentIsReported() throws Exception {
		TestKafkaClients clients = new TestKafkaClients(bootstrapServers);
		String group = "exactly-once-check-" + UUID.randomUUID();
		OrderCreated order = TestOrders.created();
		ConsumerRecord<String, Object> input = sent(clients, order);

		try (KafkaProducer<String, Object> group1 = transactionalProducer()) {
			group1.initTransactions();
			// The group's first answer commits, its offset not yet.
			group1.beginTransaction();
			group1.send(output(order));
			group1.commitTransaction();
			assertThat(clients.resultsFor(OUTPUT, Set.of(order.orderId()))).as("what a first-moment check counts")
				.singleElement();

			CompletableFuture<Void> check = CompletableFuture.runAsync(() -> clients
				.awaitExactlyOneResultPerEvent(group, OUTPUT, Set.of(order.orderId()), order.eventId()));
			// Exactly one output is there, but the group has not passed its input: the
			// check does not count yet.
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !check.isDone());

			// Then a second answer to the same input, with the offset past it.
			group1.beginTransaction();
			group1.send(output(order));
			group1.sendOffsetsToTransaction(Map.of(new TopicPartition(Topics.ORDERS, input.partition()),
					new OffsetAndMetadata(input.offset() + 1)), new ConsumerGroupMetadata(group));
			group1.commitTransaction();

			assertThat(check).failsWithin(Duration.ofSeconds(60))
				.withThrowableThat()
				.havingRootCause()
				.isInstanceOf(AssertionError.class)
				.withMessageContaining(order.eventId().toString());
		}
	}

	@Test
	void oneAnswerCommittedWithItsOffsetPasses() {
		TestKafkaClients clients = new TestKafkaClients(bootstrapServers);
		String group = "exactly-once-check-" + UUID.randomUUID();
		OrderCreated order = TestOrders.created();
		ConsumerRecord<String, Object> input = sent(clients, order);
		try (KafkaProducer<String, Object> producer = transactionalProducer()) {
			producer.initTransactions();
			producer.beginTransaction();
			producer.send(output(order));
			producer.sendOffsetsToTransaction(Map.of(new TopicPartition(Topics.ORDERS, input.partition()),
					new OffsetAndMetadata(input.offset() + 1)), new ConsumerGroupMetadata(group));
			producer.commitTransaction();
		}
		assertThat(clients.awaitExactlyOneResultPerEvent(group, OUTPUT, Set.of(order.orderId()), order.eventId()))
			.singleElement();
	}

	private static ProducerRecord<String, Object> output(OrderCreated order) {
		return new ProducerRecord<>(OUTPUT, order.orderId().toString(),
				new NotificationSent(UUID.randomUUID(), order.orderId(), order.eventId(),
						NotificationKind.ORDER_CONFIRMATION, "test", "customer", Instant.now()));
	}

	private static KafkaProducer<String, Object> transactionalProducer() {
		Map<String, Object> config = new HashMap<>();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "exactly-once-check-" + UUID.randomUUID());
		JacksonJsonSerializer<Object> json = new JacksonJsonSerializer<>();
		json.configure(Map.of("spring.json.type.mapping", EventTypes.typeMapping()), false);
		return new KafkaProducer<>(config, new StringSerializer(), json);
	}

	/** Sends the order event to {@code orders} and returns its record there. */
	private static ConsumerRecord<String, Object> sent(TestKafkaClients clients, OrderCreated order) {
		clients.send(Topics.ORDERS, order);
		return clients.readCommitted(Topics.ORDERS)
			.stream()
			.filter((record) -> order.orderId().toString().equals(record.key()))
			.findFirst()
			.orElseThrow();
	}

}
