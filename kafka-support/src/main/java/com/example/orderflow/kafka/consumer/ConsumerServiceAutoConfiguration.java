package com.example.orderflow.kafka.consumer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
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
import org.springframework.kafka.listener.CompositeRecordInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The consume-transform-produce wiring every consumer service shares. Boot already runs
 * each listener inside a Kafka transaction (because
 * {@code spring.kafka.producer.transaction-id-prefix} is set) that holds both the output
 * records and the consumer offsets; this adds what Boot cannot know: the group's topics,
 * where a failing record goes (retry topics, dead-letter topic), and the per-record
 * metrics and log context.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnBean(ConsumerService.class)
@EnableConfigurationProperties(ConsumerRetryProperties.class)
public class ConsumerServiceAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ConsumerServiceAutoConfiguration.class);

	@Bean
	ResultPublisher resultPublisher(KafkaTemplate<Object, Object> template, ConsumerService service) {
		return new ResultPublisher(template, service);
	}

	@Bean
	RetryTopics retryTopics(ConsumerService service, ConsumerRetryProperties retry) {
		return RetryTopics.of(service, retry);
	}

	/**
	 * Input, output, retry and dead-letter topics; replication is the cluster's default
	 * (3 locally).
	 */
	@Bean
	KafkaAdmin.NewTopics consumerServiceTopics(ConsumerService service, RetryTopics retryTopics) {
		List<NewTopic> topics = new ArrayList<>(
				List.of(topic(Topics.ORDERS), topic(service.outputTopic()), topic(service.deadLetterTopic())));
		retryTopics.names().forEach((name) -> topics.add(topic(name)));
		return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
	}

	/**
	 * After a rollback: in a blocking group retry in place with back-off (the partition
	 * waits, so per-key order holds); in a non-blocking group move on at once. Then
	 * publish the record with its error headers to where {@link FailureRouting} says (a
	 * retry topic or the dead-letter topic, same partition) in a new transaction that
	 * also commits its offset. If that publish fails, the offset is not committed and the
	 * record is delivered again: nothing is skipped silently.
	 */
	@Bean
	DefaultAfterRollbackProcessor<Object, Object> consumerServiceAfterRollbackProcessor(ConsumerService service,
			ConsumerRetryProperties retry, KafkaTemplate<Object, Object> template, MeterRegistry meters) {
		FailureRouting routing = new FailureRouting(service, retry, Clock.systemUTC());
		DeadLetterPublishingRecoverer publisher = new DeadLetterPublishingRecoverer(template, routing::destination);
		publisher.setHeadersFunction(routing::headersForNextHop);
		DefaultAfterRollbackProcessor<Object, Object> processor = new DefaultAfterRollbackProcessor<>(
				(record, exception) -> {
					String destination = routing.nextTopic(record, exception);
					publisher.accept(record, exception);
					String outcome = routing.isDeadLetter(destination) ? "dead-lettered" : "retried";
					meters.counter("orderflow.events." + outcome, "group", service.group()).increment();
					logger.warn("{} {}-{}@{} (key {}, attempt {}) to {}: {}",
							routing.isDeadLetter(destination) ? "Parked" : "Retrying later", record.topic(),
							record.partition(), record.offset(), record.key(), FailureRouting.attempt(record),
							destination, rootMessage(exception));
				}, inPlaceBackOff(retry), template, true);
		processor.addNotRetryableExceptions(RejectedEventException.class);
		return processor;
	}

	private static BackOff inPlaceBackOff(ConsumerRetryProperties retry) {
		if (retry.mode() == ConsumerRetryProperties.Mode.NON_BLOCKING) {
			return new FixedBackOff(0, 0);
		}
		ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
		backOff.setMaxInterval(retry.maxInterval().toMillis());
		backOff.setMaxAttempts(Math.max(0, retry.attempts() - 1));
		return backOff;
	}

	/**
	 * Every transaction leaves a commit marker after its last record, so a group that
	 * committed "last record + 1" would show a lag of one forever; when idle, commit the
	 * real position.
	 */
	@Bean
	ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> consumerServiceContainerCustomizer() {
		return (container) -> {
			container.getContainerProperties().setFixTxOffsets(true);
			// Never stopImmediate here: a container stopped mid-batch that way committed
			// offsets past records it never handed to the listener (127 of 3,000 orders
			// lost across a billing cut-over). A stop finishes the batch in hand instead.
			// Nor small max.poll.records: fixTxOffsets then misses a partition whose last
			// poll ended exactly at its last record, and its lag stays at 1.
			// Run the record interceptor inside the transaction, so a RecordCheck that
			// throws fails
			// the delivery like the listener would (rollback, then the failure path).
			container.setInterceptBeforeTx(false);
		};
	}

	/**
	 * Log context and metrics first, then the wait for a retry's due time, then every
	 * {@link RecordCheck}.
	 */
	@Bean
	RecordInterceptor<Object, Object> consumerServiceRecordInterceptor(ConsumerService service, MeterRegistry meters,
			RetryTopics retryTopics, ObjectProvider<RecordCheck> checks) {
		return new CompositeRecordInterceptor<>(new RecordObservation(meters, service.group()),
				new BeforeListener(new RetryDelay(retryTopics, Clock.systemUTC()), checks.orderedStream().toList()));
	}

	/**
	 * {@code /actuator/info} says which group this is and which topics it reads and
	 * writes.
	 */
	@Bean
	InfoContributor consumerServiceInfo(ConsumerService service, RetryTopics retryTopics,
			ConsumerRetryProperties retry) {
		return (info) -> info.withDetail("consumer",
				Map.of("group", service.group(), "consumes", Topics.ORDERS, "produces", service.outputTopic(),
						"retryMode", retry.mode(), "retryTopics", retryTopics.names(), "deadLetterTopic",
						service.deadLetterTopic()));
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
