package com.example.orderflow.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.SecuredMode;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The {@code spring.kafka.*} settings every orderflow service shares, added as the
 * property source of lowest precedence: a service's {@code application.yml}, its
 * environment and its command line all override them. Type ids come from
 * {@link EventTypes}, so they are written once.
 */
public class OrderflowKafkaDefaults implements EnvironmentPostProcessor {

	/** The name of the property source, as {@code /actuator/env} would show it. */
	public static final String PROPERTY_SOURCE_NAME = "orderflowKafkaDefaults";

	/**
	 * The local 3-node cluster of {@code ./demo}; override with
	 * {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}.
	 */
	public static final String LOCAL_BOOTSTRAP_SERVERS = "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094";

	/** The name of the secure profile's property source. */
	public static final String SECURE_PROPERTY_SOURCE_NAME = "orderflowKafkaSecure";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults()));
		if (environment.matchesProfiles(SecuredMode.PROFILE)) {
			// Above the defaults (its transactional id prefix replaces theirs), below
			// everything a service or its operator sets.
			environment.getPropertySources()
				.addBefore(PROPERTY_SOURCE_NAME, new MapPropertySource(SECURE_PROPERTY_SOURCE_NAME, secure()));
		}
	}

	/**
	 * The secure profile's settings, from placeholders for the environment variables: the
	 * values themselves are never in a property file.
	 */
	static Map<String, Object> secure() {
		Map<String, Object> secure = new LinkedHashMap<>();
		secure.put("spring.kafka.security.protocol", "SASL_SSL");
		secure.put("spring.kafka.properties.sasl.mechanism", SecuredMode.MECHANISM);
		secure.put("spring.kafka.properties.sasl.jaas.config",
				"org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${"
						+ SecuredMode.USERNAME_VARIABLE + "}\" password=\"${" + SecuredMode.PASSWORD_VARIABLE + "}\";");
		secure.put("spring.kafka.properties.ssl.truststore.type", "PEM");
		secure.put("spring.kafka.properties.ssl.truststore.location", "${" + SecuredMode.TRUSTSTORE_VARIABLE + "}");
		// The broker's certificate must name the host the client asked for.
		secure.put("spring.kafka.properties.ssl.endpoint.identification.algorithm", "https");
		// The ACLs grant each principal transactional ids under "<principal>." only: a
		// dot, because "billing-v2." must not be a prefix of "billing-v2-live.".
		secure.put("spring.kafka.producer.transaction-id-prefix",
				"${" + SecuredMode.USERNAME_VARIABLE + "}.${orderflow.instance-id:${random.uuid}}-");
		// The DLQ consumer's replay writers share one id per dead-letter partition across
		// the group's instances: under the same prefix, named by the group.
		secure.put("orderflow.dead-letters.replay-transaction-id-prefix", "${" + SecuredMode.USERNAME_VARIABLE + "}.");
		return secure;
	}

	static Map<String, Object> defaults() {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.kafka.bootstrap-servers", LOCAL_BOOTSTRAP_SERVERS);

		// Producers: nothing counts as written until every in-sync replica has it.
		defaults.put("spring.kafka.producer.acks", "all");
		defaults.put("spring.kafka.producer.properties.enable.idempotence", "true");
		// A stable id per instance lets a restarted instance fence its own unfinished
		// transactions.
		defaults.put("spring.kafka.producer.transaction-id-prefix",
				"${spring.application.name}-${orderflow.instance-id:${random.uuid}}-");
		// Shorter than Kafka's 60 s so a crashed instance holds back read_committed
		// readers briefly.
		defaults.put("spring.kafka.producer.properties.transaction.timeout.ms", "15000");
		// A transaction that starts right after the previous one's commit is refused with
		// CONCURRENT_TRANSACTIONS until the coordinator has written its markers; the
		// client's default back-off (100 ms, growing to 1 s) then idled every producer
		// for
		// most of each transaction. Retrying after 2 ms (at most 50 ms) took one
		// transaction per record from 5 to 57 per second and producer on the local
		// cluster (see the README's "Benchmark").
		defaults.put("spring.kafka.producer.properties.retry.backoff.ms", "2");
		defaults.put("spring.kafka.producer.properties.retry.backoff.max.ms", "50");
		defaults.put("spring.kafka.producer.key-serializer", "org.apache.kafka.common.serialization.StringSerializer");
		defaults.put("spring.kafka.producer.properties.spring.json.type.mapping", EventTypes.typeMapping());

		// Consumers: only committed records, offsets committed with the transaction,
		// never auto.
		defaults.put("spring.kafka.consumer.isolation-level", "read_committed");
		defaults.put("spring.kafka.consumer.enable-auto-commit", "false");
		defaults.put("spring.kafka.consumer.auto-offset-reset", "earliest");
		// Every group on the rebalance protocol of KIP-848: the broker assigns, and
		// incrementally (a member keeps its partitions while others move); the broker
		// also
		// sets the session timeout and heartbeat (group.consumer.*, 10 s and 1 s on the
		// local cluster). orders-service's ownership group stays classic
		// (OrderOwnership).
		defaults.put("spring.kafka.consumer.properties.group.protocol", "consumer");
		defaults.put("spring.kafka.consumer.key-deserializer",
				"org.apache.kafka.common.serialization.StringDeserializer");
		// Bytes that are not an event must reach the dead-letter topic, not stall the
		// partition.
		defaults.put("spring.kafka.consumer.value-deserializer",
				"org.springframework.kafka.support.serializer.ErrorHandlingDeserializer");
		defaults.put("spring.kafka.consumer.properties.spring.deserializer.value.delegate.class",
				"org.springframework.kafka.support.serializer.JacksonJsonDeserializer");
		defaults.put("spring.kafka.consumer.properties.spring.json.type.mapping", EventTypes.typeMapping());
		defaults.put("spring.kafka.consumer.properties.spring.json.trusted.packages", EventTypes.trustedPackage());

		// Operations: health, info and metrics, nothing else.
		defaults.put("management.endpoints.web.exposure.include", "health,info,prometheus");
		defaults.put("management.endpoint.health.probes.enabled", "true");
		defaults.put("management.endpoint.health.show-details", "always");
		defaults.put("management.info.env.enabled", "true");
		defaults.put("management.metrics.tags.application", "${spring.application.name}");
		defaults.put("server.shutdown", "graceful");
		// Spans are exported only where a trace store is named: ./demo up, compose and
		// the system tests turn this on with management.tracing.export.zipkin.endpoint.
		// The reporter is asynchronous and its queue bounded: a store that is down costs
		// the spans, never a request, a listener or a transaction.
		defaults.put("management.tracing.export.zipkin.enabled", "false");

		// Ready only while the listener containers consume; the cluster's own health
		// ("kafka") stays out of the probes (see KafkaObservabilityAutoConfiguration).
		defaults.put("management.endpoint.health.group.readiness.include", "readinessState,kafkaListeners");
		// Lines logged while a record is handled name it (MDC set by RecordObservation);
		// the replace drops the empty brackets from every other line.
		defaults.put("logging.pattern.level", "%5p%replace( [group=%X{group} partition=%X{partition} "
				+ "offset=%X{offset} orderId=%X{orderId}]){'^ .group= partition= offset= orderId=.$', ''}");
		return defaults;
	}

}
