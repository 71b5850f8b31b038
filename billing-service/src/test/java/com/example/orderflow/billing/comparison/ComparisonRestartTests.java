package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.example.orderflow.billing.BillingApplication;
import com.example.orderflow.billing.invoice.FailingOrders;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The comparison survives its own restart: a new billing-v2 shadow process on the same
 * cluster reads the comparison topic back, shows the same counts, and counts new orders
 * once, also when an invoice it had compared comes again. The test's own context only
 * lends the cluster (it is the default billing context other tests share); the two
 * comparison processes are started and stopped here.
 */
@SpringBootTest
@RealKafka
@Import(FailingOrders.class)
class ComparisonRestartTests {

	/** Long, so that no order changes with time alone while the test compares counts. */
	private static final String GRACE = "--billing.comparison.grace-period=1h";

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private TestKafkaClients clients;

	@Test
	void restartedComparisonKeepsItsCountsAndCountsNewOrdersOnce() {
		UUID matched = UUID.randomUUID();
		UUID mismatched = UUID.randomUUID();
		InvoiceIssued matchedLive = TestInvoices.issued(matched, "v1", "1.33");
		ComparisonSummary beforeRestart;
		try (ConfigurableApplicationContext first = startShadowWithComparison()) {
			this.clients.send(Topics.INVOICES, matchedLive, TestInvoices.issued(mismatched, "v1", "1.33"));
			this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(matched, "v2", "1.33"),
					TestInvoices.issued(mismatched, "v2", "1.32"));
			awaitResult(first, matched, Result.MATCH);
			awaitResult(first, mismatched, Result.MISMATCH);
			beforeRestart = summary(first);
		}

		try (ConfigurableApplicationContext second = startShadowWithComparison()) {
			assertThat(summary(second)).as("counts read back from the comparison topic").isEqualTo(beforeRestart);
			assertThat(compared(second, Result.MATCH)).isEqualTo(beforeRestart.byLiveVersion().get("v1").match());

			UUID added = UUID.randomUUID();
			// The same invoice again, as a writer's redelivery would put it on the topic.
			this.clients.send(Topics.INVOICES,
					new InvoiceIssued(UUID.randomUUID(), matched, matchedLive.causationId(), matchedLive.customerId(),
							matchedLive.lines(), matchedLive.net(), matchedLive.tax(), matchedLive.total(),
							matchedLive.billingVersion(), matchedLive.issuedAt()),
					TestInvoices.issued(added, "v1", "1.33"));
			this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(added, "v2", "1.33"));

			awaitResult(second, added, Result.MATCH);
			ComparisonSummary afterNew = summary(second);
			assertThat(afterNew.orders()).isEqualTo(beforeRestart.orders() + 1);
			assertThat(afterNew.match()).isEqualTo(beforeRestart.match() + 1);
			assertThat(afterNew.mismatch()).isEqualTo(beforeRestart.mismatch());
			assertThat(afterNew.compared()).isEqualTo(beforeRestart.compared() + 1);
			assertThat(compared(second, Result.MATCH)).isEqualTo(afterNew.byLiveVersion().get("v1").match());
		}
	}

	/**
	 * The billing-v2 shadow process as the local stack starts it, on this test's cluster,
	 * with a fixed instance id like a restarted process would have.
	 */
	private ConfigurableApplicationContext startShadowWithComparison() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(BillingApplication.class).run(
				"--spring.kafka.bootstrap-servers=" + String.join(",", this.kafka.getBootstrapServers()),
				"--server.port=0", "--billing.version=v2", "--billing.comparison.enabled=true", GRACE,
				"--orderflow.instance-id=comparison-restart-test");
		ListenerAssignments.awaitAssigned(context.getBean(KafkaListenerEndpointRegistry.class));
		return context;
	}

	private static void awaitResult(ConfigurableApplicationContext context, UUID orderId, Result result) {
		Comparisons comparisons = context.getBean(Comparisons.class);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(comparisons.find(orderId))
				.hasValueSatisfying((order) -> assertThat(order.classify(Instant.now(), comparisons.grace()).result())
					.isEqualTo(result)));
	}

	private static ComparisonSummary summary(ConfigurableApplicationContext context) {
		return context.getBean(Comparisons.class).summary(Instant.now());
	}

	private static double compared(ConfigurableApplicationContext context, Result result) {
		return context.getBean(MeterRegistry.class)
			.get(ComparisonMetrics.COMPARED)
			.tag("result", result.tag())
			.tag("live", "v1")
			.functionCounter()
			.count();
	}

}
