package com.example.orderflow.kafka.deadletter;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchConsumerAwareMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The DLQ consumer: reads the group's dead-letter topic, and the replay marks on its
 * first retry topic, from the beginning on every start into {@link ParkedRecords}, then
 * follows both.
 * <p>
 * Its container is built here, not by the service's listener container factory: that
 * factory carries the consume-transform-produce wiring (transactions, after-rollback
 * retries and dead-lettering, record checks such as fault injection), none of which may
 * run on a reader that writes nothing. So it reads without a transaction (still
 * {@code read_committed}: an aborted dead-lettering is never listed) and commits nothing;
 * its group id {@code <group>-dlq} only names it, and the service's own group offsets are
 * never touched. It takes every partition of both topics itself instead of subscribing,
 * so that each instance of a service lists the whole dead-letter topic and sees every
 * replay mark, whichever instance made it.
 * <p>
 * A record parked while it reads is announced in a span of its own, a child of the
 * record's {@code traceparent} ({@link ParkedRecordTracing}): the parking is part of the
 * order's trace.
 */
class DeadLetterConsumer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterConsumer.class);

	/** How soon a quiet reader checks whether it has read everything there was. */
	private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

	/**
	 * How long the reader waits for the cluster to say where the topics end or how far it
	 * has read. It asks on the consumer's thread, which a stopping container waits for:
	 * with Kafka's default (60 s) and a cluster that was gone, a test JVM's exit waited
	 * until Surefire killed it. The next idle check asks again.
	 */
	static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);

	private final DeadLetterTopic topic;

	private final ParkedRecords index;

	private final ParkedRecordTracing tracing;

	private volatile @Nullable ConcurrentMessageListenerContainer<String, byte[]> container;

	DeadLetterConsumer(DeadLetterTopic topic, ParkedRecords index, ParkedRecordTracing tracing) {
		this.topic = topic;
		this.index = index;
		this.tracing = tracing;
	}

	@Override
	public void start() {
		List<TopicPartition> partitions = this.topic.partitions();
		ContainerProperties properties = new ContainerProperties(partitions.stream()
			.map((partition) -> new TopicPartitionOffset(partition.topic(), partition.partition()))
			.toArray(TopicPartitionOffset[]::new));
		properties.setGroupId(this.topic.groupId());
		// Kafka's own shape, consumer-<group>-<n> (the container adds -<n>): the alerts
		// and
		// the dashboard read the group of a lag series from its client id that way.
		properties.setClientId("consumer-" + this.topic.groupId());
		properties.setIdleEventInterval(IDLE_CHECK.toMillis());
		properties.setIdleBeforeDataMultiplier(1.0);
		// Nothing is ever acknowledged, so nothing is committed: every start reads from
		// the beginning, even if the seek on assignment could not run.
		properties.setAckMode(ContainerProperties.AckMode.MANUAL);
		Reader reader = new Reader();
		properties.setMessageListener(reader);
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				this.topic.consumers(), properties);
		container.setBeanName(this.topic.groupId());
		// Its events stay here: the service's own listeners have no business with them.
		container.setApplicationEventPublisher((event) -> {
			if (event instanceof ListenerContainerIdleEvent idle) {
				reader.checkLoaded(idle.getConsumer());
			}
		});
		container.start();
		this.container = container;
		logger.info("Reading {} and the replay marks on {} as {}", this.topic.name(), this.topic.replayTopic(),
				this.topic.groupId());
	}

	@Override
	public void stop() {
		ConcurrentMessageListenerContainer<String, byte[]> current = this.container;
		if (current != null) {
			current.stop();
		}
	}

	@Override
	public void stop(Runnable callback) {
		ConcurrentMessageListenerContainer<String, byte[]> current = this.container;
		if (current != null) {
			current.stop(callback);
		}
		else {
			callback.run();
		}
	}

	@Override
	public boolean isRunning() {
		ConcurrentMessageListenerContainer<String, byte[]> current = this.container;
		return current != null && current.isRunning();
	}

	/** Starts and stops with the service's own listener containers. */
	@Override
	public int getPhase() {
		return AbstractMessageListenerContainer.DEFAULT_PHASE;
	}

	/**
	 * Where each partition the consumer holds ends: under {@code read_committed}, its
	 * last stable offset, what a reader can ever see of what was written before it asked.
	 * @throws org.apache.kafka.common.errors.TimeoutException if the cluster does not
	 * answer within the timeout
	 */
	static Map<TopicPartition, Long> endsOf(Consumer<?, ?> consumer, Duration timeout) {
		return Map.copyOf(consumer.endOffsets(consumer.assignment(), timeout));
	}

	/**
	 * Runs on the container's consumer thread only: the load progress needs no locking.
	 */
	private final class Reader implements BatchConsumerAwareMessageListener<String, byte[]>, ConsumerSeekAware {

		/** Partitions not read up to their start-up end yet. */
		private final Set<TopicPartition> loading = new HashSet<>();

		/** The end of each partition when reading started; null until first looked up. */
		private @Nullable Map<TopicPartition, Long> startupEnds;

		/**
		 * Every assignment starts from the beginning: the index is rebuilt from the
		 * topics, never from committed offsets.
		 */
		@Override
		public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
			callback.seekToBeginning(assignments.keySet());
			this.startupEnds = null;
			DeadLetterConsumer.this.index.loaded(false);
		}

		/**
		 * A whole poll at once: the consumer's positions are past every record of it, so
		 * whether the start-up ends are reached can only be told once all of them are in
		 * the index. Checked after each record, a record still waiting in the same poll
		 * (a replay mark, say) was not indexed yet when the index said it was loaded.
		 */
		@Override
		public void onMessage(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
			for (ConsumerRecord<String, byte[]> record : records) {
				onRecord(record, consumer);
			}
			checkLoaded(consumer);
		}

		private void onRecord(ConsumerRecord<String, byte[]> record, Consumer<?, ?> consumer) {
			try {
				if (record.topic().equals(DeadLetterConsumer.this.topic.name())) {
					onParked(record, isNew(record, consumer));
				}
				else {
					DeadLetterConsumer.this.index.readReplayTopic(record);
				}
			}
			catch (RuntimeException ex) {
				// A record this reader cannot make sense of must not stop it reading the
				// rest.
				logger.error("Could not index {}-{}@{}", record.topic(), record.partition(), record.offset(), ex);
			}
		}

		private void onParked(ConsumerRecord<String, byte[]> record, boolean isNew) {
			ParkedRecord parked = ParkedRecord.from(record);
			if (!DeadLetterConsumer.this.index.park(parked)) {
				return;
			}
			// Parked before this start: announced and traced when they arrived.
			if (isNew) {
				DeadLetterConsumer.this.tracing.announce(record, parked,
						() -> logger.warn("Parked in {} {}: key {}, from {}-{}@{}, attempt {}, replay count {}: {}: {}",
								DeadLetterConsumer.this.topic.name(), parked.id(), parked.key(), parked.originalTopic(),
								parked.originalPartition(), parked.originalOffset(), parked.attempts(),
								parked.replayCount(), parked.exceptionClass(), oneLine(parked.exceptionMessage())));
			}
		}

		private boolean isNew(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer) {
			Map<TopicPartition, Long> ends = startupEnds(consumer);
			Long end = (ends != null) ? ends.get(new TopicPartition(record.topic(), record.partition())) : null;
			return end == null || record.offset() >= end;
		}

		/**
		 * Marks the index loaded once every partition is read up to where it ended when
		 * reading started. Called after each record and whenever the reader is idle, so
		 * that it also notices the end of a partition whose last entry is a transaction
		 * marker rather than a record.
		 */
		void checkLoaded(Consumer<?, ?> consumer) {
			ParkedRecords index = DeadLetterConsumer.this.index;
			if (index.isLoaded()) {
				return;
			}
			Map<TopicPartition, Long> ends = startupEnds(consumer);
			if (ends == null) {
				return;
			}
			try {
				this.loading.removeIf((partition) -> readToStartupEnd(consumer, partition, ends.get(partition)));
			}
			catch (RuntimeException ex) {
				logger.warn("Could not check how far {} is read: {}", DeadLetterConsumer.this.topic.name(),
						ex.getMessage());
				return;
			}
			if (this.loading.isEmpty()) {
				index.loaded(true);
				logger.info("Read {} up to its end: {} parked records, {} of them not replayed",
						DeadLetterConsumer.this.topic.name(), index.list().size(), index.stillParked());
			}
		}

		private boolean readToStartupEnd(Consumer<?, ?> consumer, TopicPartition partition, long end) {
			long position = consumer.position(partition, LOOKUP_TIMEOUT);
			if (partition.topic().equals(DeadLetterConsumer.this.topic.replayTopic())) {
				// Also past a tail of transaction markers, where no record says so.
				DeadLetterConsumer.this.index.replayTopicReadUpTo(partition.partition(), position);
			}
			return position >= end;
		}

		/**
		 * Under {@code read_committed} the end offsets are the last stable offsets: what
		 * a reader can ever see of what was written before it started. Null while the
		 * cluster does not answer; asked again next time.
		 */
		private @Nullable Map<TopicPartition, Long> startupEnds(Consumer<?, ?> consumer) {
			if (this.startupEnds == null) {
				try {
					this.startupEnds = endsOf(consumer, LOOKUP_TIMEOUT);
					this.loading.clear();
					this.loading.addAll(this.startupEnds.keySet());
				}
				catch (RuntimeException ex) {
					logger.warn("Could not look up where {} ends: {}", DeadLetterConsumer.this.topic.name(),
							ex.getMessage());
				}
			}
			return this.startupEnds;
		}

		private static String oneLine(@Nullable String message) {
			return (message != null) ? message.replaceAll("\\s*\\R\\s*", " ") : "";
		}

	}

}
