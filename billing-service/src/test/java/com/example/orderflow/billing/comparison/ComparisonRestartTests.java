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
 * cluster reads the comparison topic back, knows each order as it was, and counts new
 * orders once, also when an invoice it had compared comes again. The test's own context
 * only lends the cluster (it is the default billing context other tests share); the two
 * comparison processes are started and stopped here.
 * <p>
 * Other tests' invoices reach the same topics and may still arrive while this one runs
 * (retried orders, shared contexts), so the checks are about this test's orders and about
 * the tally's balance at one moment (every order counted under exactly one result), never
 * about how the global counts moved between two moments.
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
	void restartedComparisonKnowsEachOrderAsItWasAndCountsNewOrdersOnce() {
		UUID matched = UUID.randomUUID();
		UUID mismatched = UUID.randomUUID();
		InvoiceIssued matchedLive = TestInvoices.issued(matched, "v1", "1.33");
		try (ConfigurableApplicationContext first = startShadowWithComparison()) {
			this.clients.send(Topics.INVOICES, matchedLive, TestInvoices.issued(mismatched, "v1", "1.33"));
			this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(matched, "v2", "1.33"),
					TestInvoices.issued(mismatched, "v2", "1.32"));
			awaitResult(first, matched, Result.MATCH);
			awaitResult(first, mismatched, Result.MISMATCH);
			assertBalanced(summary(first));
		}

		try (ConfigurableApplicationContext second = startShadowWithComparison()) {
			// Its consumers resume after the invoices whose state it wrote: it knows
			// these
			// orders only by reading that state back.
			assertThat(resultOf(second, matched)).as("read back").isEqualTo(Result.MATCH);
			assertThat(resultOf(second, mismatched)).as("read back").isEqualTo(Result.MISMATCH);
			assertBalanced(summary(second));

			UUID added = UUID.randomUUID();
			// The same invoice again, as a writer's redelivery would put it on the topic.
			this.clients.send(Topics.INVOICES,
					new InvoiceIssued(UUID.randomUUID(), matched, matchedLive.causationId(), matchedLive.customerId(),
							matchedLive.lines(), matchedLive.net(), matchedLive.tax(), matchedLive.total(),
							matchedLive.billingVersion(), matchedLive.issuedAt()),
					TestInvoices.issued(added, "v1", "1.33"));
			this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(added, "v2", "1.33"));

			awaitResult(second, added, Result.MATCH);
			assertThat(resultOf(second, matched)).as("after its invoice came again").isEqualTo(Result.MATCH);
			ComparisonSummary afterNew = summary(second);
			assertBalanced(afterNew);
		}
	}

	/**
	 * Every order is counted under exactly one result: an order counted twice (the
	 * invoice that came again, the state read back and then compared again) would tip it.
	 */
	private static void assertBalanced(ComparisonSummary summary) {
		assertThat(summary.status()).isEqualTo("running");
		assertThat(summary.compared() + summary.missingInV2() + summary.missingInV1() + summary.pending())
			.as("orders counted under a result in %s", summary)
			.isEqualTo(summary.orders());
		assertThat(summary.byLiveVersion().values().stream().mapToLong(ComparisonSummary.LiveVersion::orders).sum())
			.as("orders counted under a live version in %s", summary)
			.isEqualTo(summary.orders());
	}

	private static Result resultOf(ConfigurableApplicationContext context, UUID orderId) {
		Comparisons comparisons = context.getBean(Comparisons.class);
		return comparisons.find(orderId)
			.orElseThrow(() -> new AssertionError("order " + orderId + " unknown"))
			.classify(Instant.now(), comparisons.grace())
			.result();
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
		Comparisons comparisons = context.getBean(Comparisons.class);
		await().atMost(Duration.ofSeconds(60)).until(comparisons::isLoaded);
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

}
