package com.example.orderflow.billing.comparison;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.Topics;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Starts the comparison in the only safe order: read the comparison topic to its end into
 * memory, then consume invoices, then check grace periods on a schedule. Reading happens
 * on its own thread, so the rest of the service (the billing group in the same process)
 * starts without waiting for it; until it is done the summary says {@code loading} and no
 * metrics are published, so a restart never shows a drop to zero.
 */
class ComparisonStartup implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ComparisonStartup.class);

	private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

	private final Comparisons comparisons;

	private final ComparisonStateTopic state;

	private final KafkaListenerEndpointRegistry listeners;

	private final ComparisonMetrics metrics;

	private final ComparisonProperties properties;

	private final Clock clock;

	private volatile @Nullable ScheduledExecutorService executor;

	ComparisonStartup(Comparisons comparisons, ComparisonStateTopic state, KafkaListenerEndpointRegistry listeners,
			ComparisonMetrics metrics, ComparisonProperties properties, Clock clock) {
		this.comparisons = comparisons;
		this.state = state;
		this.listeners = listeners;
		this.metrics = metrics;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "billing-comparison-startup");
			thread.setDaemon(true);
			return thread;
		});
		this.executor = executor;
		executor.execute(() -> load(executor));
	}

	private void load(ScheduledExecutorService executor) {
		if (this.comparisons.isLoaded()) {
			// Started again after a stop: the memory is current, only consuming stopped.
			startConsuming(executor);
			return;
		}
		try {
			this.state.readInto(this.comparisons, LOAD_TIMEOUT);
		}
		catch (RuntimeException ex) {
			if (!executor.isShutdown()) {
				logger.warn("Could not read {} ({}); trying again in {}", Topics.BILLING_COMPARISON, ex.getMessage(),
						this.properties.loadRetryInterval());
				executor.schedule(() -> load(executor), this.properties.loadRetryInterval().toMillis(),
						TimeUnit.MILLISECONDS);
			}
			return;
		}
		this.comparisons.loaded(this.clock.instant());
		this.metrics.register();
		ComparisonSummary summary = this.comparisons.summary(this.clock.instant());
		logger.info(
				"Comparison state loaded: {} orders, {} match, {} mismatch, {} missing in v2, {} missing in v1, "
						+ "{} pending; now consuming {} and {}",
				summary.orders(), summary.match(), summary.mismatch(), summary.missingInV2(), summary.missingInV1(),
				summary.pending(), Topics.INVOICES, Topics.INVOICES_V2);
		startConsuming(executor);
	}

	private void startConsuming(ScheduledExecutorService executor) {
		if (executor.isShutdown()) {
			return;
		}
		container().start();
		long interval = this.properties.checkInterval().toMillis();
		executor.scheduleWithFixedDelay(this::checkGracePeriods, interval, interval, TimeUnit.MILLISECONDS);
	}

	private void checkGracePeriods() {
		try {
			this.comparisons.checkGracePeriods(this.clock.instant());
		}
		catch (RuntimeException ex) {
			// A failed check must not cancel the schedule.
			logger.error("Grace period check failed", ex);
		}
	}

	private MessageListenerContainer container() {
		MessageListenerContainer container = this.listeners.getListenerContainer(ComparisonListener.ID);
		if (container == null) {
			throw new IllegalStateException("No listener container " + ComparisonListener.ID);
		}
		return container;
	}

	@Override
	public void stop() {
		ScheduledExecutorService current = this.executor;
		if (current != null) {
			current.shutdownNow();
			this.executor = null;
		}
		MessageListenerContainer container = this.listeners.getListenerContainer(ComparisonListener.ID);
		if (container != null && container.isRunning()) {
			container.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	/** Starts after, and stops before, the listener containers it starts. */
	@Override
	public int getPhase() {
		return AbstractMessageListenerContainer.DEFAULT_PHASE + 1;
	}

}
