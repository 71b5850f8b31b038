package com.example.orderflow.kafka.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;

/**
 * Boot's {@code KafkaMetricsAutoConfiguration} binds every consumer's own metrics through
 * a {@link MicrometerConsumerListener}, which looks for new ones once a minute: a
 * partition assigned after the consumer started had no lag series on
 * {@code /actuator/prometheus} (and so no line on the dashboard, no alert) for up to a
 * minute. This replaces that listener on each consumer factory with one that looks every
 * {@link #REFRESH}. The metrics, names and tags are Boot's.
 */
final class PromptConsumerMetrics implements BeanPostProcessor {

	/**
	 * How often a consumer's metrics are looked over for new ones (a new partition's
	 * lag).
	 */
	static final Duration REFRESH = Duration.ofSeconds(5);

	private final ObjectProvider<MeterRegistry> registry;

	PromptConsumerMetrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DefaultKafkaConsumerFactory<?, ?> consumers) {
			replaceBootsListener(consumers);
		}
		return bean;
	}

	private <K, V> void replaceBootsListener(DefaultKafkaConsumerFactory<K, V> consumers) {
		for (ConsumerFactory.Listener<K, V> listener : List.copyOf(consumers.getListeners())) {
			if (listener.getClass() == MicrometerConsumerListener.class) {
				consumers.removeListener(listener);
				consumers.addListener(new Listener<>(this.registry.getObject()));
			}
		}
	}

	/** Boot's listener, with {@link #REFRESH} instead of Micrometer's minute. */
	private static final class Listener<K, V> extends MicrometerConsumerListener<K, V> {

		Listener(MeterRegistry registry) {
			super(registry);
		}

		@Override
		protected MeterBinder createClientMetrics(Consumer<K, V> consumer, List<Tag> tags) {
			// One thread per consumer, as Micrometer's own default; Micrometer leaves a
			// scheduler it was given running, so the binder stops it when the consumer
			// closes.
			ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "kafka-consumer-metrics");
				thread.setDaemon(true);
				return thread;
			});
			return new ClosingBinder(new KafkaClientMetrics(consumer, tags, refresher, REFRESH), refresher);
		}

	}

	/**
	 * Unbinds the metrics and stops their refresh; spring-kafka closes it when the
	 * consumer closes.
	 */
	private record ClosingBinder(KafkaClientMetrics metrics,
			ExecutorService refresher) implements MeterBinder, AutoCloseable {

		@Override
		public void bindTo(MeterRegistry registry) {
			this.metrics.bindTo(registry);
		}

		@Override
		public void close() {
			this.refresher.shutdownNow();
			this.metrics.close();
		}

	}

}
