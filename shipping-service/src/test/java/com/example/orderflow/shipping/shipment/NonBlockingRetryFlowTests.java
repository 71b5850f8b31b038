package com.example.orderflow.shipping.shipment;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shipping retries without blocking: a failed record waits in the group's retry topic
 * while its partition moves on. That breaks per-key order, and the service must still end
 * right.
 */
@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class NonBlockingRetryFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void cancellationOvertakesItsRetriedOrderAndTheOrderIsStillNeverShipped() {
		OrderCreated order = TestOrders.created();
		OrderCancelled cancellation = TestOrders.cancelled(order);
		FailingOrders.failOnce.add(order.eventId());

		this.clients.send(Topics.ORDERS, order, cancellation);

		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.SHIPPING,
				Topics.SHIPMENTS, Set.of(order.orderId()), order.eventId(), cancellation.eventId());
		// The cancellation was handled first: the order came back from the retry topic
		// after it.
		assertThat(results).extracting(ResultEvent::causationId)
			.containsExactly(cancellation.eventId(), order.eventId());
		assertThat(results).allSatisfy((event) -> assertThat(event).isInstanceOf(ShipmentCancelled.class));
		assertThat(((ShipmentCancelled) results.get(1)).reason()).isEqualTo("cancelled before scheduling");
		List<ConsumerRecord<String, byte[]>> retried = this.clients
			.readCommittedBytes(Topics.retry(ConsumerGroups.SHIPPING, 1))
			.stream()
			.filter((record) -> order.orderId().toString().equals(record.key()))
			.toList();
		assertThat(retried).singleElement().satisfies((record) -> {
			assertThat(OrderflowHeaders.longValue(record.headers(), OrderflowHeaders.ATTEMPT)).contains(2L);
			assertThat(OrderflowHeaders.longValue(record.headers(), OrderflowHeaders.DUE_AT)).isPresent();
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains(order.eventId().toString());
		});
		assertThat(this.clients.readCommittedBytes(Topics.deadLetter(ConsumerGroups.SHIPPING)))
			.noneMatch((record) -> order.orderId().toString().equals(record.key()));
	}

	@Test
	void rejectedOrderGoesStraightToTheDeadLetterTopicAndNeverToARetryTopic() {
		OrderCreated rejected = TestOrders.created(UUID.randomUUID(), FailingOrders.REJECTED + UUID.randomUUID(), "DE");
		OrderCreated next = TestOrders.created();

		this.clients.send(Topics.ORDERS, rejected, next);

		this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.SHIPPING, Topics.SHIPMENTS, Set.of(next.orderId()),
				next.eventId());
		String key = rejected.orderId().toString();
		await()
			.untilAsserted(() -> assertThat(this.clients.readCommittedBytes(Topics.deadLetter(ConsumerGroups.SHIPPING)))
				.filteredOn((record) -> key.equals(record.key()))
				.hasSize(1));
		assertThat(this.clients.readCommittedBytes(Topics.retry(ConsumerGroups.SHIPPING, 1)))
			.noneMatch((record) -> key.equals(record.key()));
		assertThat(this.clients.resultsFor(Topics.SHIPMENTS, Set.of(rejected.orderId()))).isEmpty();
	}

}
