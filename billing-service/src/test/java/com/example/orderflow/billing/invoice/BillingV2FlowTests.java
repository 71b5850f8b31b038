package com.example.orderflow.billing.invoice;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
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
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = "billing.version=v2")
@RealKafka
class BillingV2FlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private Environment environment;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void listensAsTheShadowGroupOnItsOwnPort() {
		// One container reads orders, the other the group's own retry topic: same group.
		assertThat(this.registry.getListenerContainers())
			.extracting((container) -> container.getGroupId() + " "
					+ Arrays.toString(container.getContainerProperties().getTopics()))
			.containsExactlyInAnyOrder(ConsumerGroups.BILLING_V2 + " [" + Topics.ORDERS + "]",
					ConsumerGroups.BILLING_V2 + " [" + Topics.retry(ConsumerGroups.BILLING_V2, 1) + "]");
		assertThat(this.environment.getProperty("server.port")).isEqualTo("8083");
	}

	@Test
	void shadowVersionWritesExactlyOneV2InvoiceEventPerOrderEventToItsOwnTopic() {
		// Rounds to 1.32 tax per line where v1 has 1.33 on the total: see InvoicingTests.
		UUID orderId = UUID.randomUUID();
		List<OrderLine> lines = List.of(new OrderLine("SKU-A", 1, Money.of("2.49", "EUR")),
				new OrderLine("SKU-B", 1, Money.of("4.49", "EUR")));
		OrderCreated differing = new OrderCreated(UUID.randomUUID(), orderId, "customer-3", lines,
				Money.of("6.98", "EUR"), "DE", Instant.now());
		OrderCreated cancelled = TestOrders.created();
		OrderCancelled cancellation = TestOrders.cancelled(cancelled);

		this.clients.send(Topics.ORDERS, differing, cancelled, cancellation);

		Set<UUID> orderIds = Set.of(differing.orderId(), cancelled.orderId());
		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING_V2,
				Topics.INVOICES_V2, orderIds, differing.eventId(), cancelled.eventId(), cancellation.eventId());
		assertThat(results).filteredOn((event) -> event.causationId().equals(differing.eventId()))
			.singleElement()
			.isInstanceOfSatisfying(InvoiceIssued.class, (invoice) -> {
				assertThat(invoice.tax()).isEqualTo(Money.of("1.32", "EUR"));
				assertThat(invoice.total()).isEqualTo(Money.of("8.30", "EUR"));
			});
		assertThat(results).extracting(BillingV2FlowTests::billingVersion).containsOnly("v2");
	}

	private static String billingVersion(ResultEvent event) {
		return (event instanceof InvoiceIssued issued) ? issued.billingVersion()
				: ((InvoiceVoided) event).billingVersion();
	}

}
