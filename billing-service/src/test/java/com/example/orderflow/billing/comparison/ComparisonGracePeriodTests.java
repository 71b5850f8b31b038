package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An order on one topic only is pending for the grace period, then missing on the other
 * topic, and a late arrival turns it into a comparison.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "billing.version=v2", "billing.comparison.enabled=true", "billing.comparison.grace-period=5s",
				"billing.comparison.check-interval=100ms" })
@RealKafka
// The comparison group has one member per cluster: never leave this context running.
@DirtiesContext
class ComparisonGracePeriodTests {

	private static final Duration GRACE = Duration.ofSeconds(5);

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private MeterRegistry meters;

	@LocalServerPort
	private int port;

	private ComparisonHttp http;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
		this.http = new ComparisonHttp(this.port);
	}

	@Test
	void orderOnOneTopicIsPendingThenMissingOnTheOtherAfterTheGracePeriodAndALateArrivalReclassifiesIt() {
		UUID liveOnly = UUID.randomUUID();
		UUID shadowOnly = UUID.randomUUID();

		this.clients.send(Topics.INVOICES, TestInvoices.issued(liveOnly, "v1", "1.33"));
		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(shadowOnly, "v2", "1.32"));

		JsonNode pending = awaitOrder(liveOnly, "PENDING");
		Instant seen = Instant.parse(pending.path("v1").path("issuedSeenAt").asString());
		JsonNode missing = awaitOrder(liveOnly, "MISSING_IN_V2");
		assertThat(Instant.parse(missing.path("when").asString())).as("missing exactly when the grace period ended")
			.isEqualTo(seen.plus(GRACE));
		awaitOrder(shadowOnly, "MISSING_IN_V1");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.http.differences(100).values()).extracting(
					(difference) -> difference.path("orderId").asString() + " " + difference.path("result").asString())
				.contains(liveOnly + " MISSING_IN_V2", shadowOnly + " MISSING_IN_V1"));
		assertThat(unresolved("missing_in_v2", "v1")).isGreaterThanOrEqualTo(1);
		assertThat(unresolved("missing_in_v1", "none")).isGreaterThanOrEqualTo(1);
		long missingInV2 = this.http.summary().path("missingInV2").asLong();

		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(liveOnly, "v2", "1.33"));

		awaitOrder(liveOnly, "MATCH");
		assertThat(this.http.differences(100).values())
			.extracting((difference) -> difference.path("orderId").asString())
			.doesNotContain(liveOnly.toString());
		assertThat(this.http.summary().path("missingInV2").asLong()).isEqualTo(missingInV2 - 1);
	}

	private JsonNode awaitOrder(UUID orderId, String result) {
		return await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.http.order(orderId).orElse(null),
					(order) -> order != null && result.equals(order.path("result").asString()));
	}

	private double unresolved(String result, String live) {
		return this.meters.get(ComparisonMetrics.UNRESOLVED).tag("result", result).tag("live", live).gauge().value();
	}

}
