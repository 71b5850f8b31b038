package com.example.orderflow.kafka.consumer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The consume-transform-produce wiring every consumer service shares: the group's topics,
 * the listener container factory whose listeners hand each poll to
 * {@link ConsumeTransformProduce} (one Kafka transaction for the outputs and offsets of
 * many records, each record decided on its own), where a failing record goes (retry
 * topics, dead-letter topic), and the per-record metrics and log context.
 * <p>
 * Runs before Boot's Kafka auto-configuration so that its listener container factory
 * replaces Boot's: Boot's would run each listener call inside a transaction of the
 * container's, which can neither commit part of a poll (the records before a blocking
 * retry) nor tell a failed transaction from a failed record.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnBean(ConsumerService.class)
@EnableConfigurationProperties({ ConsumerRetryProperties.class, ConsumerTransactionProperties.class })
public class ConsumerServiceAutoConfiguration {

	/**
	 * How long a container may see no records before it commits the positions past the
	 * last transaction's markers (see {@link GroupPositions}).
	 */
	static final Duration IDLE_COMMIT_AFTER = Duration.ofSeconds(2);

	@Bean
	ResultPublisher resultPublisher(ConsumerService service) {
		return new ResultPublisher(service);
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

	@Bean
	GroupPositions consumerServiceGroupPositions() {
		return new GroupPositions();
	}

	/**
	 * Writes failed records, with their error headers, to where {@link FailureRouting}
	 * says: a retry topic or the dead-letter topic, same partition. It sends inside the
	 * transaction of the records it belongs to.
	 */
	@Bean
	ConsumeTransformProduce consumeTransformProduce(ConsumerService service, ConsumerRetryProperties retry,
			ConsumerTransactionProperties bounds, KafkaTemplate<Object, Object> template, MeterRegistry meters,
			RetryTopics retryTopics, ObjectProvider<RecordCheck> checks, GroupPositions positions, Tracer tracer,
			Propagator propagator, Environment environment) {
		FailureRouting routing = new FailureRouting(service, retry, Clock.systemUTC());
		DeadLetterPublishingRecoverer failedRecords = new DeadLetterPublishingRecoverer(template, routing::destination);
		failedRecords.setHeadersFunction(routing::headersForNextHop);
		return new ConsumeTransformProduce(template, retry, bounds, routing, failedRecords,
				new RetryDelay(retryTopics, Clock.systemUTC()), checks.orderedStream().toList(),
				new RecordObservation(meters, service.group()), new RecordTracing(tracer, propagator, service.group()),
				positions, new Provenance(instanceId(environment)), inPlaceBackOff(retry));
	}

	/**
	 * Boot's factory, configured from {@code spring.kafka.listener.*} as Boot would, with
	 * these differences: batch listeners whose records {@link ConsumeTransformProduce}
	 * hands to the service's record listeners one by one, inside transactions of its own
	 * (so none of the container's); offsets committed only by those transactions (manual
	 * acks, never given); idle events for {@link GroupPositions}; and a container that
	 * stops rather than guesses if it ever cannot tell where it stands, but polls again
	 * when the group only moved under a poll ({@link StopOnUnknownErrors}).
	 */
	@Bean(name = "kafkaListenerContainerFactory")
	ConcurrentKafkaListenerContainerFactory<Object, Object> kafkaListenerContainerFactory(
			ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<?, ?> consumers,
			ConsumeTransformProduce transactions) {
		ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
		configurer.configure(factory, consumerFactory(consumers));
		factory.setBatchListener(true);
		factory.setBatchToRecordAdapter(transactions);
		factory.setCommonErrorHandler(new StopOnUnknownErrors());
		ContainerProperties properties = factory.getContainerProperties();
		properties.setKafkaAwareTransactionManager(null);
		properties.setAckMode(ContainerProperties.AckMode.MANUAL);
		properties.setIdleEventInterval(IDLE_COMMIT_AFTER.toMillis());
		return factory;
	}

	@SuppressWarnings("unchecked")
	private static ConsumerFactory<Object, Object> consumerFactory(ConsumerFactory<?, ?> consumers) {
		return (ConsumerFactory<Object, Object>) consumers;
	}

	/**
	 * The name an instance goes by on its outputs: {@code orderflow.instance-id} (the
	 * launcher gives each instance one), else the application and its process id.
	 */
	private static String instanceId(Environment environment) {
		String configured = environment.getProperty("orderflow.instance-id");
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		return environment.getProperty("spring.application.name", "consumer") + "-" + ProcessHandle.current().pid();
	}

	private static BackOff inPlaceBackOff(ConsumerRetryProperties retry) {
		ExponentialBackOff backOff = new ExponentialBackOff(retry.initialInterval().toMillis(), retry.multiplier());
		backOff.setMaxInterval(retry.maxInterval().toMillis());
		return backOff;
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

}
