package com.example.orderflow.billing.invoice;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poison record exercises the shared failure wiring of kafka-support: billing parks it
 * in its own dead-letter topic, exactly as it arrived, and keeps invoicing.
 */
@SpringBootTest
@RealKafka
class DeadLetterFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private KafkaConnectionDetails kafka;

	private String bootstrapServers;

	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
		this.bootstrapServers = String.join(",", this.kafka.getBootstrapServers());
		this.clients = new TestKafkaClients(this.bootstrapServers);
	}

	@Test
	void undeserializableRecordIsParkedWithItsBytesAndTheOrderAfterItIsStillInvoiced() {
		UUID orderId = UUID.randomUUID();
		byte[] poison = "{not an order".getBytes(StandardCharsets.UTF_8);
		// Same key, so the same partition: the order queues behind the poison record.
		OrderCreated order = TestOrders.created(orderId, "customer-4", "FR");

		this.clients.sendBytes(Topics.ORDERS, orderId.toString(), poison);
		this.clients.send(Topics.ORDERS, order);

		ConsumerRecord<String, byte[]> original = readCommittedBytes(Topics.ORDERS).stream()
			.filter((record) -> orderId.toString().equals(record.key())
					&& record.headers().lastHeader("__TypeId__") == null)
			.findFirst()
			.orElseThrow();
		String deadLetterTopic = Topics.deadLetter(ConsumerGroups.BILLING);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(keyed(readCommittedBytes(deadLetterTopic), orderId)).hasSize(1));

		ConsumerRecord<String, byte[]> parked = keyed(readCommittedBytes(deadLetterTopic), orderId).get(0);
		assertThat(parked.value()).isEqualTo(poison);
		assertThat(parked.partition()).isEqualTo(original.partition());
		assertThat(header(parked, KafkaHeaders.DLT_ORIGINAL_TOPIC)).map(DeadLetterFlowTests::text)
			.contains(Topics.ORDERS);
		assertThat(header(parked, KafkaHeaders.DLT_ORIGINAL_PARTITION)).map((value) -> ByteBuffer.wrap(value).getInt())
			.contains(original.partition());
		assertThat(header(parked, KafkaHeaders.DLT_ORIGINAL_OFFSET)).map((value) -> ByteBuffer.wrap(value).getLong())
			.contains(original.offset());
		assertThat(header(parked, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP)).map(DeadLetterFlowTests::text)
			.contains(ConsumerGroups.BILLING);
		assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_FQCN)).map(DeadLetterFlowTests::text)
			.contains(DeserializationException.class.getName());
		assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isPresent();
		assertThat(header(parked, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).map(DeadLetterFlowTests::text)
			.hasValueSatisfying((trace) -> assertThat(trace).contains("DeserializationException"));

		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(this.clients.committedEvents(Topics.INVOICES))
				.filteredOn(ResultEvent.class::isInstance)
				.map(ResultEvent.class::cast)
				.filteredOn((event) -> event.orderId().equals(orderId))
				.singleElement()
				.isInstanceOfSatisfying(InvoiceIssued.class,
						(invoice) -> assertThat(invoice.causationId()).isEqualTo(order.eventId())));
	}

	private static List<ConsumerRecord<String, byte[]>> keyed(List<ConsumerRecord<String, byte[]>> records,
			UUID orderId) {
		return records.stream().filter((record) -> orderId.toString().equals(record.key())).toList();
	}

	private static Optional<byte[]> header(ConsumerRecord<?, ?> record, String name) {
		return Optional.ofNullable(record.headers().lastHeader(name)).map(Header::value);
	}

	private static String text(byte[] value) {
		return new String(value, StandardCharsets.UTF_8);
	}

	/**
	 * Every committed record of a topic with its value as raw bytes: TestKafkaClients
	 * reads values as events, which a poison record is not.
	 */
	private List<ConsumerRecord<String, byte[]>> readCommittedBytes(String topic) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers,
				ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
				false);
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + topic + " to its end within 60 s");
				}
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}
	}

}
