package com.example.orderflow.kafka.deadletter;

import java.time.Clock;

import com.example.orderflow.kafka.consumer.ConsumerService;
import com.example.orderflow.kafka.consumer.ConsumerServiceAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The DLQ consumer of every consumer service: it indexes the group's dead-letter topic
 * and, where the service serves HTTP, lists and replays parked records under
 * {@code /admin/dead-letters}.
 */
@AutoConfiguration(after = ConsumerServiceAutoConfiguration.class)
@ConditionalOnBean(ConsumerService.class)
@EnableConfigurationProperties(DeadLetterSettings.class)
public class DeadLetterAutoConfiguration {

	@Bean
	ParkedRecords parkedRecords(ConsumerService service, DeadLetterSettings settings, MeterRegistry meters) {
		ParkedRecords index = new ParkedRecords(settings.maxReplays());
		Gauge.builder("orderflow.dlt.parked", index, ParkedRecords::stillParked)
			.description("Records in the group's dead-letter topic that were not replayed")
			.tag("group", service.group())
			.register(meters);
		return index;
	}

	@Bean
	DeadLetterTopic deadLetterTopic(ConsumerService service, ConsumerFactory<?, ?> consumers, KafkaAdmin admin) {
		return new DeadLetterTopic(service, consumers, admin);
	}

	@Bean
	DeadLetterConsumer deadLetterConsumer(DeadLetterTopic topic, ParkedRecords index, Tracer tracer,
			Propagator propagator) {
		return new DeadLetterConsumer(topic, index, new ParkedRecordTracing(tracer, propagator, topic.groupId()));
	}

	@Bean
	Replays replays(ConsumerService service, DeadLetterTopic topic, ParkedRecords index,
			ProducerFactory<?, ?> producers, DeadLetterSettings settings, MeterRegistry meters) {
		return new Replays(service.group(), topic, index,
				new ReplayProducers(service, producers, settings.replayTransactionIdPrefix()), meters,
				Clock.systemUTC());
	}

	/** Only where the service serves HTTP with Spring MVC. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class DeadLettersEndpointConfiguration {

		@Bean
		DeadLettersController deadLettersController(ParkedRecords index, Replays replays) {
			return new DeadLettersController(index, replays);
		}

	}

}
