package com.example.orderflow.notification.customer;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@RealKafka
class NotificationFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void everyOrderEventGetsExactlyOneNotificationThroughTheLogChannel() {
		OrderCreated kept = TestOrders.created(UUID.randomUUID(), "customer-1", "DE");
		OrderCreated cancelled = TestOrders.created(UUID.randomUUID(), "customer-2", "FR");
		OrderCancelled cancellation = TestOrders.cancelled(cancelled);

		this.clients.send(Topics.ORDERS, kept, cancelled, cancellation);

		Set<UUID> orderIds = Set.of(kept.orderId(), cancelled.orderId());
		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.NOTIFICATION,
				Topics.NOTIFICATIONS, orderIds, kept.eventId(), cancelled.eventId(), cancellation.eventId());

		assertThat(results).hasOnlyElementsOfType(NotificationSent.class);
		List<NotificationSent> sent = results.stream().map(NotificationSent.class::cast).toList();
		assertThat(sent).extracting(NotificationSent::channel).containsOnly("log");
		assertThat(sent).filteredOn((notification) -> notification.causationId().equals(kept.eventId()))
			.singleElement()
			.satisfies((notification) -> {
				assertThat(notification.kind()).isEqualTo(NotificationKind.ORDER_CONFIRMATION);
				assertThat(notification.recipient()).isEqualTo("customer-1");
			});
		assertThat(sent).filteredOn((notification) -> notification.causationId().equals(cancellation.eventId()))
			.singleElement()
			.satisfies((notification) -> {
				assertThat(notification.kind()).isEqualTo(NotificationKind.ORDER_CANCELLATION);
				assertThat(notification.recipient()).isEqualTo("customer-2");
			});
	}

}
