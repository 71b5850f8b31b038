package com.example.orderflow.kafka.observability;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Health contributors for every service: {@code kafkaListeners} (in the readiness group,
 * see {@code OrderflowKafkaDefaults}) and {@code kafka} (in {@code /actuator/health}
 * only: a cluster outage must neither restart a service through liveness nor, through
 * readiness, take every instance out of its load balancer at once).
 * <p>
 * Consumer lag needs no code here: Boot's {@code KafkaMetricsAutoConfiguration} binds the
 * Kafka clients' own metrics, so lag per partition is
 * {@code kafka_consumer_fetch_manager_records_lag{client_id,topic,partition}} on
 * {@code /actuator/prometheus} (the client id is {@code consumer-<group>-<n>}), found
 * within {@link PromptConsumerMetrics#REFRESH} of a partition's assignment, not
 * Micrometer's minute.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@EnableConfigurationProperties(KafkaHealthProperties.class)
public class KafkaObservabilityAutoConfiguration {

	/**
	 * Always present, also without listeners, because the readiness group names it.
	 */
	@Bean
	ListenerContainersHealthIndicator kafkaListenersHealthIndicator(
			ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		return new ListenerContainersHealthIndicator(registry);
	}

	@Bean
	static PromptConsumerMetrics promptConsumerMetrics(ObjectProvider<MeterRegistry> registry) {
		return new PromptConsumerMetrics(registry);
	}

	@Bean
	@ConditionalOnBean(KafkaAdmin.class)
	@ConditionalOnEnabledHealthIndicator("kafka")
	KafkaClusterHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, KafkaHealthProperties properties) {
		return new KafkaClusterHealthIndicator(() -> Admin.create(kafkaAdmin.getConfigurationProperties()), properties);
	}

}
