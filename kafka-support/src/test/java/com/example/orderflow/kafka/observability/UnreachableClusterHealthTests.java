package com.example.orderflow.kafka.observability;

import java.time.Duration;

import com.example.orderflow.testsupport.NothingListens;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service whose cluster does not answer: {@code kafka} is {@code DOWN}, and neither
 * liveness (a restart would not bring the cluster back) nor readiness changes.
 */
@SpringBootTest(classes = UnreachableClusterHealthTests.ProducerOnlyApplication.class,
		properties = "spring.application.name=unreachable-cluster-test")
// Closed after the class, so its Admin client stops dialling the dead address.
@DirtiesContext
class UnreachableClusterHealthTests {

	/** A loopback port that was free a moment ago: nothing listens there. */
	private static final int NOTHING_LISTENS = NothingListens.port();

	@DynamicPropertySource
	static void clusterNobodyRuns(DynamicPropertyRegistry properties) {
		properties.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + NOTHING_LISTENS);
	}

	@Autowired
	HealthEndpoint health;

	@Test
	void kafkaIsDownWhileLivenessAndReadinessStayUp() {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.health.healthForPath("kafka").getStatus()).isEqualTo(Status.DOWN));
		assertThat(((IndicatedHealthDescriptor) this.health.healthForPath("kafka")).getDetails()).containsKey("error");
		assertThat(this.health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
		assertThat(this.health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
	}

	/** Like orders-service: Kafka clients, no listener containers. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProducerOnlyApplication {

	}

}
