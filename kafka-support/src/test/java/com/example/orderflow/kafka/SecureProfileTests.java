package com.example.orderflow.kafka;

import java.util.Map;

import com.example.orderflow.events.SecuredMode;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code secure} profile turns every Kafka client of a service into a SASL_SSL client
 * of its own principal, from the environment; without it nothing changes.
 */
class SecureProfileTests {

	@Test
	void theSecureProfileSpeaksSaslSslAsThePrincipalOfTheEnvironmentWithItsOwnTransactionalIds() {
		StandardEnvironment environment = environment();
		environment.setActiveProfiles(SecuredMode.PROFILE);
		new OrderflowKafkaDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_SSL");
		assertThat(environment.getProperty("spring.kafka.properties.sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
		assertThat(environment.getProperty("spring.kafka.properties.sasl.jaas.config")).isEqualTo(
				"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"shipping\" password=\"s3cret\";");
		assertThat(environment.getProperty("spring.kafka.properties.ssl.truststore.location"))
			.isEqualTo("/run/secrets/ca.crt");
		assertThat(environment.getProperty("spring.kafka.properties.ssl.endpoint.identification.algorithm"))
			.isEqualTo("https");
		assertThat(environment.getProperty("spring.kafka.producer.transaction-id-prefix"))
			.isEqualTo("shipping.shipping-service-2-");
		assertThat(environment.getProperty("orderflow.dead-letters.replay-transaction-id-prefix"))
			.isEqualTo("shipping.");
	}

	@Test
	void withoutTheProfileTheClientsStayPlaintextAndKeepTheirTransactionalIds() {
		StandardEnvironment environment = environment();
		new OrderflowKafkaDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.kafka.security.protocol")).isNull();
		assertThat(environment.getProperty("spring.kafka.properties.sasl.jaas.config")).isNull();
		assertThat(environment.getProperty("spring.kafka.producer.transaction-id-prefix"))
			.isEqualTo("shipping-service-shipping-service-2-");
		assertThat(environment.getProperty("orderflow.dead-letters.replay-transaction-id-prefix")).isNull();
	}

	@Test
	void whatAServiceSetsStillWinsOverTheSecureProfile() {
		StandardEnvironment environment = environment();
		environment.setActiveProfiles(SecuredMode.PROFILE);
		environment.getPropertySources()
			.addFirst(new MapPropertySource("service",
					Map.of("spring.kafka.properties.ssl.endpoint.identification.algorithm", "")));
		new OrderflowKafkaDefaults().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.kafka.properties.ssl.endpoint.identification.algorithm")).isEmpty();
	}

	private static StandardEnvironment environment() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of(SecuredMode.USERNAME_VARIABLE, "shipping", SecuredMode.PASSWORD_VARIABLE, "s3cret",
							SecuredMode.TRUSTSTORE_VARIABLE, "/run/secrets/ca.crt", "spring.application.name",
							"shipping-service", "orderflow.instance-id", "shipping-service-2")));
		return environment;
	}

}
