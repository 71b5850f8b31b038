package com.example.orderflow.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a non-blocking group a transient failure sends the record to the group's retry topic
 * inside the transaction of its poll, while the poll's other records commit their outputs
 * in that same transaction; the record's output comes later, from the retry topic,
 * exactly once.
 */
@SpringBootTest(classes = BatchTestApplication.class,
		properties = { "spring.application.name=batch-retry-tests", "test.group=" + NonBlockingBatchTests.GROUP,
				"test.output=" + NonBlockingBatchTests.OUTPUT, "orderflow.consumer.retry.mode=non-blocking",
				"orderflow.consumer.retry.delays=1s,1s" })
@RealKafka
class NonBlockingBatchTests {

	static final String GROUP = "batch-retry-tests";

	static final String OUTPUT = "batch-retry-tests-notifications";

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void aTransientFailureTravelsTheRetryTopicWhileTheRestOfItsPollCommits() {
		UUID orderId = UUID.randomUUID();
		OrderCreated first = TestOrders.created(orderId, "customer-a", "DE");
		OrderCreated flaky = TestOrders.created(orderId, BatchTestApplication.FAILS_ONCE + "b", "DE");
		OrderCreated last = TestOrders.created(orderId, "customer-c", "DE");
		MessageListenerContainer container = this.registry.getListenerContainer(BatchTestApplication.ORDERS_LISTENER);
		container.stop();
		try {
			this.clients.send(Topics.ORDERS, first, flaky, last);
		}
		finally {
			container.start();
		}

		this.clients.awaitExactlyOneResultPerEvent(GROUP, OUTPUT, Set.of(orderId), first.eventId(), flaky.eventId(),
				last.eventId());
		List<ConsumerRecord<String, Object>> outputs = this.clients.readCommitted(OUTPUT)
			.stream()
			.filter((record) -> orderId.toString().equals(record.key()))
			.toList();
		// In the order they committed: the retried record last, from the retry topic.
		assertThat(outputs).extracting((record) -> ((NotificationSent) record.value()).causationId())
			.containsExactly(first.eventId(), last.eventId(), flaky.eventId());
		assertThat(input(outputs.get(2))).startsWith(Topics.retry(GROUP, 1) + "-");
		assertThat(input(outputs.get(0))).startsWith(Topics.ORDERS + "-");
		assertThat(this.clients.readCommittedBytes(Topics.retry(GROUP, 1))
			.stream()
			.filter((record) -> orderId.toString().equals(record.key()))).hasSize(1);
	}

	private static String input(ConsumerRecord<String, Object> record) {
		return new String(record.headers().lastHeader(OrderflowHeaders.INPUT).value(), StandardCharsets.UTF_8);
	}

}
