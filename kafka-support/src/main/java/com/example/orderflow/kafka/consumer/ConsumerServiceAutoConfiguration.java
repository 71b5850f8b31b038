package com.example.orderflow.kafka.consumer;

import java.util.Map;

import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The consume-transform-produce wiring every consumer service shares. Boot already runs
 * each listener inside a Kafka transaction (because
 * {@code spring.kafka.producer.transaction-id-prefix} is set) that holds both the output
 * records and the consumer offsets; this adds what Boot cannot know: the group's topics,
 * what to do when a record keeps failing, and the per-record metrics.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnBean(ConsumerService.class)
@EnableConfigurationProperties(ConsumerFailureProperties.class)
public class ConsumerServiceAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerServiceAutoConfiguration.class);

	/**
	 * Input, output and dead-letter topics; replication is the cluster's default (3
	 * locally).
	 */
	@Bean
	KafkaAdmin.NewTopics consumerServiceTopics(ConsumerService service) {
		return new KafkaAdmin.NewTopics(topic(Topics.ORDERS), topic(service.outputTopic()),
				topic(service.deadLetterTopic()));
	}

	/**
	 * After a rollback: retry in place with back-off (the partition waits, so per-key
	 * order holds), then publish the record with its error headers to the group's
	 * dead-letter topic, on the same partition, in a new transaction that also commits
	 * its offset. If that publish fails, the offset is not committed and the record is
	 * delivered again: nothing is skipped silently.
	 */
	@Bean
	DefaultAfterRollbackProcessor<Object, Object> consumerServiceAfterRollbackProcessor(ConsumerService service,
			ConsumerFailureProperties retry, KafkaTemplate<Object, Object> template, MeterRegistry meters) {
		DeadLetterPublishingRecoverer deadLetters = new DeadLetterPublishingRecoverer(template,
				(record, exception) -> new TopicPartition(service.deadLetterTopic(), record.partition()));
		ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
		backOff.setMaxInterval(retry.maxInterval().toMillis());
		backOff.setMaxAttempts(Math.max(0, retry.attempts() - 1));
		DefaultAfterRollbackProcessor<Object, Object> processor = new DefaultAfterRollbackProcessor<>(
				(record, exception) -> {
					deadLetters.accept(record, exception);
					meters.counter("orderflow.events.dead-lettered", "group", service.group()).increment();
					logger.warn("Parked {}-{}@{} (key {}) in {}: {}", record.topic(), record.partition(),
							record.offset(), record.key(), service.deadLetterTopic(), rootMessage(exception));
				}, backOff, template, true);
		processor.addNotRetryableExceptions(RejectedEventException.class);
		return processor;
	}

	/**
	 * Every transaction leaves a commit marker after its last record, so a group that
	 * committed "last record + 1" would show a lag of one forever; when idle, commit the
	 * real position.
	 */
	@Bean
	ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> consumerServiceContainerCustomizer() {
		return (container) -> container.getContainerProperties().setFixTxOffsets(true);
	}

	@Bean
	RecordInterceptor<Object, Object> consumerServiceRecordObservation(ConsumerService service, MeterRegistry meters) {
		return new RecordObservation(meters, service.group());
	}

	/**
	 * {@code /actuator/info} says which group this is and which topics it reads and
	 * writes.
	 */
	@Bean
	InfoContributor consumerServiceInfo(ConsumerService service) {
		return (info) -> info.withDetail("consumer", Map.of("group", service.group(), "consumes", Topics.ORDERS,
				"produces", service.outputTopic(), "deadLetterTopic", service.deadLetterTopic()));
	}

	private static NewTopic topic(String name) {
		return TopicBuilder.name(name).partitions(Topics.PARTITIONS).build();
	}

	private static String rootMessage(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
