package com.example.orderflow.billing.invoice;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
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
@Import(FailingOrders.class)
class DeadLetterFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void undeserializableRecordIsParkedWithItsBytesAndTheOrderAfterItIsStillInvoiced() {
		UUID orderId = UUID.randomUUID();
		byte[] poison = "{not an order".getBytes(StandardCharsets.UTF_8);
		// Same key, so the same partition: the order queues behind the poison record.
		OrderCreated order = TestOrders.created(orderId, "customer-4", "FR");

		this.clients.sendBytes(Topics.ORDERS, orderId.toString(), poison);
		this.clients.send(Topics.ORDERS, order);

		ConsumerRecord<String, byte[]> original = this.clients.readCommittedBytes(Topics.ORDERS)
			.stream()
			.filter((record) -> orderId.toString().equals(record.key())
					&& record.headers().lastHeader("__TypeId__") == null)
			.findFirst()
			.orElseThrow();
		String deadLetterTopic = Topics.deadLetter(ConsumerGroups.BILLING);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(
					() -> assertThat(keyed(this.clients.readCommittedBytes(deadLetterTopic), orderId)).hasSize(1));

		ConsumerRecord<String, byte[]> parked = keyed(this.clients.readCommittedBytes(deadLetterTopic), orderId).get(0);
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

		assertThat(this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES, Set.of(orderId),
				order.eventId()))
			.singleElement()
			.isInstanceOfSatisfying(InvoiceIssued.class,
					(invoice) -> assertThat(invoice.causationId()).isEqualTo(order.eventId()));
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

}
