package com.example.orderflow.billing.invoice;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing is skipped silently: while the dead-letter topic refuses writes, a record that
 * keeps failing is not committed (its partition waits, with the cancel of the same order
 * behind it), and once the topic takes writes again it is parked exactly once and the
 * cancel goes through.
 */
@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class UnwritableDeadLetterTopicFlowTests {

	private static final String DEAD_LETTERS = Topics.deadLetter(ConsumerGroups.BILLING);

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void recordIsNotCommittedWhileItsDeadLetterTopicRefusesWritesAndIsParkedOnceItTakesThemAgain() throws Exception {
		OrderCreated order = TestOrders.created(UUID.randomUUID(), FailingOrders.ALWAYS_FAILS + UUID.randomUUID(),
				"DE");
		OrderCancelled cancellation = TestOrders.cancelled(order);
		double rollbacksBefore = rollbacks();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
			// Far smaller than the record with its error headers (its stack trace alone
			// is
			// kilobytes): every dead-letter write fails. Not smaller than the markers the
			// brokers write to end a transaction there (a control batch of about 80 B),
			// or no transaction touching the topic could ever end.
			setDeadLetterMaxMessageBytes(admin, "1024");
			try {
				this.clients.send(Topics.ORDERS, order, cancellation);
				int partition = this.clients.readCommitted(Topics.ORDERS)
					.stream()
					.filter((record) -> order.orderId().toString().equals(record.key()))
					.findFirst()
					.orElseThrow()
					.partition();
				long orderOffset = this.clients.readCommitted(Topics.ORDERS)
					.stream()
					.filter((record) -> order.orderId().toString().equals(record.key()))
					.findFirst()
					.orElseThrow()
					.offset();

				// Three attempts, then its transaction with the dead-letter write rolls
				// back, and the record comes round again: twice at least.
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> rollbacks() - rollbacksBefore >= 2);
				assertThat(committedOffset(admin, partition)).as("committed offset of orders-%d", partition)
					.isLessThanOrEqualTo(orderOffset);
				assertThat(parked(order)).isEmpty();
				assertThat(this.clients.resultsFor(Topics.INVOICES, Set.of(order.orderId()))).isEmpty();
			}
			finally {
				setDeadLetterMaxMessageBytes(admin, null);
			}
		}

		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES,
				Set.of(order.orderId()), cancellation.eventId());
		assertThat(results).singleElement().isInstanceOf(InvoiceVoided.class);
		assertThat(parked(order)).hasSize(1);
	}

	private List<?> parked(OrderCreated order) {
		return this.clients.readCommittedBytes(DEAD_LETTERS)
			.stream()
			.filter((record) -> order.orderId().toString().equals(record.key()))
			.toList();
	}

	private long committedOffset(Admin admin, int partition) throws Exception {
		Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(ConsumerGroups.BILLING)
			.partitionsToOffsetAndMetadata()
			.get(30, TimeUnit.SECONDS);
		OffsetAndMetadata offset = offsets.get(new TopicPartition(Topics.ORDERS, partition));
		return (offset != null) ? offset.offset() : 0;
	}

	/**
	 * Sets {@code max.message.bytes} on the dead-letter topic, or removes the override
	 * with null.
	 */
	private static void setDeadLetterMaxMessageBytes(Admin admin, String value) throws Exception {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, DEAD_LETTERS);
		ConfigEntry entry = new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value);
		AlterConfigOp operation = new AlterConfigOp(entry,
				(value != null) ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE);
		admin.incrementalAlterConfigs(Map.of(topic, List.of(operation))).all().get(30, TimeUnit.SECONDS);
	}

	private double rollbacks() {
		Counter counter = this.meters.find("orderflow.transactions.aborted")
			.tag("group", ConsumerGroups.BILLING)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private String bootstrapServers() {
		return String.join(",", this.kafka.getBootstrapServers());
	}

}
