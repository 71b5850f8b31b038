package com.example.orderflow.testsupport;

import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Gives a Spring Boot test a real Kafka through {@link KafkaConnectionDetails}, so the
 * test code is the same on both paths: a Testcontainers {@code apache/kafka} broker where
 * a Docker engine runs ({@code @ServiceConnection}), otherwise the shared in-JVM 3-broker
 * KRaft cluster. Import it with {@link RealKafka @RealKafka}.
 */
@TestConfiguration(proxyBeanMethods = false)
public class RealKafkaConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RealKafkaConfiguration.class);

	/** The image, pinned to the Kafka version the build uses (set by the root pom). */
	static final String KAFKA_IMAGE = System.getProperty("orderflow.kafka-image", "apache/kafka:4.3.1");

	@Bean
	@ServiceConnection
	@Conditional(DockerAvailability.Present.class)
	KafkaContainer kafkaContainer() {
		logger.info("Kafka for tests: Testcontainers {} (Docker engine found)", KAFKA_IMAGE);
		KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
		// As the in-JVM cluster: a member on the consumer protocol is noticed gone in 10
		// s.
		InJvmKafkaCluster.GROUP_TIMEOUTS.forEach((setting, value) -> kafka
			.withEnv("KAFKA_" + setting.toUpperCase(Locale.ROOT).replace('.', '_'), value));
		return kafka;
	}

	/** Plain clients on the same Kafka, for the test's side of a flow. */
	@Bean
	TestKafkaClients testKafkaClients(KafkaConnectionDetails kafka) {
		return new TestKafkaClients(String.join(",", kafka.getBootstrapServers()));
	}

	@Bean
	@Conditional(DockerAvailability.Absent.class)
	KafkaConnectionDetails inJvmKafkaConnectionDetails() {
		String bootstrapServers = InJvmKafkaCluster.bootstrapServers();
		logger.info("Kafka for tests: in-JVM KRaft cluster at {} (no Docker engine)", bootstrapServers);
		return () -> List.of(bootstrapServers.split(","));
	}

}
