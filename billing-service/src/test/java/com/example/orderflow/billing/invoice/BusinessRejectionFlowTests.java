package com.example.orderflow.billing.invoice;

import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A business rejection can never succeed, so billing, which otherwise retries in place,
 * parks it after its first delivery; the order behind it on the same key goes through.
 */
@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class BusinessRejectionFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private MeterRegistry meters;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void rejectedOrderIsParkedAfterOneDeliveryWithoutRetries() {
		double failuresBefore = failures();
		UUID orderId = UUID.randomUUID();
		OrderCreated rejected = TestOrders.created(orderId, FailingOrders.REJECTED + UUID.randomUUID(), "DE");
		OrderCreated nextOnSameKey = TestOrders.created(orderId, "customer-5", "DE");

		this.clients.send(Topics.ORDERS, rejected, nextOnSameKey);

		this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES, Set.of(orderId),
				nextOnSameKey.eventId());
		await()
			.untilAsserted(() -> assertThat(this.clients.readCommittedBytes(Topics.deadLetter(ConsumerGroups.BILLING))
				.stream()
				.filter((record) -> orderId.toString().equals(record.key()))).hasSize(1));
		assertThat(failures() - failuresBefore).as("deliveries of the rejected order that failed").isEqualTo(1);
	}

	private double failures() {
		Counter counter = this.meters.find("orderflow.events.failed").tag("group", ConsumerGroups.BILLING).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
