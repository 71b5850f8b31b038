package com.example.orderflow.shipping.shipment;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class ShippingFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void everyOrderEventGetsExactlyOneShipmentEvent() {
		OrderCreated shipped = TestOrders.created(UUID.randomUUID(), "customer-1", "NL");
		OrderCreated cancelled = TestOrders.created();
		OrderCancelled cancellation = TestOrders.cancelled(cancelled);

		this.clients.send(Topics.ORDERS, shipped, cancelled, cancellation);

		Set<UUID> orderIds = Set.of(shipped.orderId(), cancelled.orderId());
		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.SHIPPING,
				Topics.SHIPMENTS, orderIds, shipped.eventId(), cancelled.eventId(), cancellation.eventId());
		assertThat(results).filteredOn((event) -> event.causationId().equals(shipped.eventId()))
			.singleElement()
			.isInstanceOfSatisfying(ShipmentScheduled.class,
					(scheduled) -> assertThat(scheduled.carrier()).isEqualTo("PostNL"));
		assertThat(results).filteredOn((event) -> event.causationId().equals(cancellation.eventId()))
			.singleElement()
			.isInstanceOf(ShipmentCancelled.class);
	}

	@Test
	void cancellationHandledBeforeItsOrderMeansTheOrderIsNeverShipped() {
		OrderCreated order = TestOrders.created();
		OrderCancelled cancellation = TestOrders.cancelled(order);

		// The order a non-blocking retry could produce: the cancellation overtook its
		// order.
		this.clients.send(Topics.ORDERS, cancellation, order);

		assertThat(this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.SHIPPING, Topics.SHIPMENTS,
				Set.of(order.orderId()), cancellation.eventId(), order.eventId()))
			.allSatisfy((event) -> assertThat(event).isInstanceOf(ShipmentCancelled.class))
			.filteredOn((event) -> event.causationId().equals(order.eventId()))
			.singleElement()
			.extracting((event) -> ((ShipmentCancelled) event).reason())
			.isEqualTo("cancelled before scheduling");
	}

}
