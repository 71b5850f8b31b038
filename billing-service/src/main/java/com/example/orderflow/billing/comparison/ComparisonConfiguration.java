package com.example.orderflow.billing.comparison;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.config.SaslConfigs;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The blue/green comparison, switched on with {@code billing.comparison.enabled=true}
 * (the billing-v2 shadow process of the local stack does).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(ComparisonConfiguration.ENABLED)
@EnableConfigurationProperties({ ComparisonProperties.class, ComparisonPrincipal.class })
class ComparisonConfiguration {

	static final String ENABLED = "billing.comparison.enabled";

	static final String CONTAINER_FACTORY = "billingComparisonContainerFactory";

	/**
	 * The compacted state topic, one record per order; and both invoice topics, which
	 * this process may be the first to need.
	 */
	@Bean
	KafkaAdmin.NewTopics billingComparisonTopics() {
		return new KafkaAdmin.NewTopics(
				TopicBuilder.name(Topics.BILLING_COMPARISON).partitions(Topics.PARTITIONS).compact().build(),
				TopicBuilder.name(Topics.INVOICES).partitions(Topics.PARTITIONS).build(),
				TopicBuilder.name(Topics.INVOICES_V2).partitions(Topics.PARTITIONS).build());
	}

	/**
	 * A poll's invoices, the writes of their orders' states and the commit of their
	 * offsets happen in one Kafka transaction (the container's, through Boot's
	 * transaction manager): either all are visible to a {@code read_committed} reader or
	 * none, so a restart reads back exactly the state of the offsets it resumes from.
	 * (Produce-then-commit would also be safe, the state being keyed and idempotent, but
	 * the service's producer is transactional anyway and a transaction needs no extra
	 * reasoning.) A record no deserializer can read is passed over by the listener. Any
	 * other failure rolls the batch back, and the batch is delivered again after a
	 * back-off that never runs out: no invoice is skipped silently, so the recoverer is
	 * never reached.
	 * <p>
	 * Several consumers ({@code billing.comparison.concurrency}), each with its own
	 * transactions: a consumer spends most of a poll waiting for its commit, and one
	 * alone compared about 650 invoices a second while billing wrote 1,750 (the bench at
	 * 1,000 orders/s offered). An order's two invoices and its state must still be
	 * handled by one consumer, or two transactions could write its state out of order and
	 * the older one be read back after a restart. Both invoice topics are keyed by
	 * orderId and have the same partitions, so an order's invoices sit in the same
	 * partition number of each; the range assignor ({@link ComparisonListener}) gives
	 * each consumer the same range of partition numbers of every topic it reads.
	 */
	@Bean(CONTAINER_FACTORY)
	ConcurrentKafkaListenerContainerFactory<Object, Object> billingComparisonContainerFactory(
			ConsumerFactory<?, ?> consumers, ComparisonPrincipal principal, ComparisonProperties settings,
			KafkaAwareTransactionManager<?, ?> transactions, KafkaTemplate<Object, Object> template) {
		// Not Boot's factory: that one carries the billing group's after-rollback routing
		// to its retry and dead-letter topics, its record checks and its metrics.
		ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
		factory.setConsumerFactory(comparisonConsumers(consumers, principal));
		factory.setConcurrency(settings.concurrency());
		factory.setBatchListener(true);
		ContainerProperties properties = factory.getContainerProperties();
		properties.setKafkaAwareTransactionManager(transactions);
		// Commit the real position after a transaction's marker, so the group shows lag
		// 0.
		properties.setFixTxOffsets(true);
		// Without it a rolled-back batch is delivered again at once, with no back-off.
		properties.setBatchRecoverAfterRollback(true);
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(10_000);
		factory.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>((record, exception) -> {
			throw new IllegalStateException("The comparison's back-off never runs out: " + record.topic() + "-"
					+ record.partition() + "@" + record.offset() + " stays to be compared", exception);
		}, backOff, template, true));
		return factory;
	}

	/**
	 * The service's consumers, or, with a {@link ComparisonPrincipal} set (secured mode),
	 * the same settings as that principal. (A factory of its own, so without Boot's
	 * customizers: its consumers are not among the service's client metrics.) The offsets
	 * still commit in the transaction of billing-v2's producer, so Kafka also asks
	 * billing-v2's principal for READ on the group and both invoice topics.
	 */
	@SuppressWarnings("unchecked")
	private static ConsumerFactory<Object, Object> comparisonConsumers(ConsumerFactory<?, ?> consumers,
			ComparisonPrincipal principal) {
		if (!principal.isSet()) {
			return (ConsumerFactory<Object, Object>) consumers;
		}
		Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
		config.put(SaslConfigs.SASL_JAAS_CONFIG, principal.jaasConfig());
		return new DefaultKafkaConsumerFactory<>(config);
	}

	@Bean
	Comparisons comparisons(ComparisonProperties properties) {
		return new Comparisons(properties.gracePeriod(), properties.keptDifferences());
	}

	@Bean
	ComparisonStateTopic comparisonStateTopic(KafkaTemplate<Object, Object> template, ConsumerFactory<?, ?> consumers,
			ComparisonPrincipal principal) {
		return new ComparisonStateTopic(template, comparisonConsumers(consumers, principal));
	}

	@Bean
	InvoiceComparison invoiceComparison(Comparisons comparisons, ComparisonStateTopic state) {
		return new InvoiceComparison(comparisons, state, Clock.systemUTC());
	}

	@Bean
	ComparisonListener comparisonListener(InvoiceComparison comparison, MeterRegistry meters) {
		return new ComparisonListener(comparison, meters);
	}

	@Bean
	ComparisonMetrics comparisonMetrics(MeterRegistry meters, Comparisons comparisons) {
		return new ComparisonMetrics(meters, comparisons, Clock.systemUTC());
	}

	@Bean
	ComparisonStartup comparisonStartup(Comparisons comparisons, ComparisonStateTopic state,
			KafkaListenerEndpointRegistry listeners, ComparisonMetrics metrics, ComparisonProperties properties) {
		return new ComparisonStartup(comparisons, state, listeners, metrics, properties, Clock.systemUTC());
	}

}
