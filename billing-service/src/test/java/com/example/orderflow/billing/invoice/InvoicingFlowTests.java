package com.example.orderflow.billing.invoice;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class InvoicingFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private Environment environment;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void listensAsTheLiveBillingGroupOnItsPortByDefault() {
		// One container reads orders, the other the group's own retry topic: same group.
		assertThat(this.registry.getListenerContainers())
			.extracting((container) -> container.getGroupId() + " "
					+ Arrays.toString(container.getContainerProperties().getTopics()))
			.containsExactlyInAnyOrder(ConsumerGroups.BILLING + " [" + Topics.ORDERS + "]",
					ConsumerGroups.BILLING + " [" + Topics.retry(ConsumerGroups.BILLING, 1) + "]");
		assertThat(this.environment.getProperty("server.port")).isEqualTo("8082");
	}

	@Test
	void everyOrderEventGetsExactlyOneInvoiceEvent() {
		OrderCreated kept = TestOrders.created();
		OrderCreated cancelled = TestOrders.created(UUID.randomUUID(), "customer-2", "NL");
		OrderCancelled cancellation = TestOrders.cancelled(cancelled);

		this.clients.send(Topics.ORDERS, kept, cancelled, cancellation);

		Set<UUID> orderIds = Set.of(kept.orderId(), cancelled.orderId());
		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES,
				orderIds, kept.eventId(), cancelled.eventId(), cancellation.eventId());
		assertThat(results).filteredOn((event) -> event.causationId().equals(kept.eventId()))
			.singleElement()
			.isInstanceOfSatisfying(InvoiceIssued.class, (invoice) -> {
				// TestOrders: 2 x 12.50 + 3 x 1.99 = 30.97 net, 19% German tax
				assertThat(invoice.net()).isEqualTo(Money.of("30.97", "EUR"));
				assertThat(invoice.tax()).isEqualTo(Money.of("5.88", "EUR"));
				assertThat(invoice.total()).isEqualTo(Money.of("36.85", "EUR"));
				assertThat(invoice.billingVersion()).isEqualTo("v1");
			});
		assertThat(results).filteredOn((event) -> event.causationId().equals(cancellation.eventId()))
			.singleElement()
			.isInstanceOfSatisfying(InvoiceVoided.class,
					(voided) -> assertThat(voided.orderId()).isEqualTo(cancelled.orderId()));
	}

	@Test
	void countsEveryHandledEventByGroupAndTypeWithItsLatency() {
		double createdBefore = processed(EventTypes.ORDER_CREATED);
		double cancelledBefore = processed(EventTypes.ORDER_CANCELLED);
		OrderCreated order = TestOrders.created();
		OrderCancelled cancellation = TestOrders.cancelled(order);

		this.clients.send(Topics.ORDERS, order, cancellation);

		this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES, Set.of(order.orderId()),
				order.eventId(), cancellation.eventId());
		assertThat(processed(EventTypes.ORDER_CREATED)).isEqualTo(createdBefore + 1);
		assertThat(processed(EventTypes.ORDER_CANCELLED)).isEqualTo(cancelledBefore + 1);
		assertThat(this.meters.get("orderflow.events.latency").tag("group", ConsumerGroups.BILLING).timer().count())
			.isGreaterThanOrEqualTo(2);
	}

	private double processed(String type) {
		Counter counter = this.meters.find("orderflow.events.processed")
			.tags("group", ConsumerGroups.BILLING, "type", type)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}
