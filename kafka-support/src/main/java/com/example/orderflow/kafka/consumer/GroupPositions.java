package com.example.orderflow.kafka.consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

/**
 * The group's committed offsets as the truth of where a consumer stands. Both uses run on
 * the consumer's own thread.
 * <ul>
 * <li>After a rolled-back transaction: seek to the committed offsets. The consumer reads
 * them with {@code require_stable}, so a transaction whose commit is still in flight (a
 * commit that timed out on the client may still complete) is settled first: a committed
 * one is not handled again, an aborted one is.</li>
 * <li>When the container is idle: the last transaction of a partition leaves a marker
 * after its last record, so a group that committed "last record + 1" shows a lag of one
 * forever; commit the real position.</li>
 * </ul>
 */
class GroupPositions implements ApplicationListener<ListenerContainerIdleEvent> {

	private static final Logger logger = LoggerFactory.getLogger(GroupPositions.class);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration BETWEEN_TRIES = Duration.ofSeconds(1);

	/**
	 * All the cluster may take to answer the idle commit, reads and commit together. It
	 * runs on the consumer's thread, and a container asked to stop waits for that thread
	 * (a consumer is woken only while it polls): with a cluster that is gone, each call
	 * would otherwise wait out its own 30 s, and the service took a minute to stop. The
	 * idle commit is only a tidy-up that the next idle event tries again.
	 */
	static final Duration IDLE_BUDGET = Duration.ofSeconds(5);

	private final Duration idleBudget;

	GroupPositions() {
		this(IDLE_BUDGET);
	}

	GroupPositions(Duration idleBudget) {
		this.idleBudget = idleBudget;
	}

	/**
	 * Seeks each partition, of those the consumer still holds, to the offset the group
	 * committed (its beginning where it never committed: {@code auto.offset.reset} is
	 * {@code earliest}). Tries until the cluster answers: continuing from the positions
	 * in memory could handle records twice, or skip them.
	 */
	void resumeFromCommitted(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		Set<TopicPartition> held = new LinkedHashSet<>(partitions);
		held.retainAll(consumer.assignment());
		if (held.isEmpty()) {
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(held, READ_TIMEOUT);
				for (TopicPartition partition : held) {
					seekTo(consumer, partition, committed.get(partition));
				}
				return;
			}
			catch (InterruptException ex) {
				throw ex;
			}
			catch (KafkaException ex) {
				logger.warn("Could not read the committed offsets of {} (attempt {}), trying again: {}", held, attempt,
						ConsumeTransformProduce.rootMessage(ex));
				try {
					Thread.sleep(BETWEEN_TRIES.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new InterruptException(interrupted);
				}
			}
		}
	}

	/**
	 * Seeks the partition to the committed offset, or to its beginning where none is.
	 * Skips a partition the group has taken from this consumer meanwhile (the consumer
	 * protocol moves partitions on the consumer's background thread, so one held a moment
	 * ago may be gone): its new owner starts from the committed offset itself, and a
	 * consumer's {@code seek} of it would throw.
	 */
	private static void seekTo(Consumer<?, ?> consumer, TopicPartition partition, OffsetAndMetadata offset) {
		try {
			if (offset != null) {
				consumer.seek(partition, offset);
			}
			else {
				consumer.seekToBeginning(List.of(partition));
			}
		}
		catch (IllegalStateException ex) {
			logger.info("Not resuming {}: no longer assigned to this consumer ({})", partition, ex.getMessage());
		}
	}

	/**
	 * Commits the position of every partition that is past its committed offset, giving
	 * up after the idle budget ({@link #IDLE_BUDGET} unless a test sets another). A
	 * partition the group took from this consumer since {@code assignment()} is left to
	 * its new owner: asked for its position, the consumer throws, and that must not reach
	 * the container, which stops on any exception outside a listener (a fraud-service
	 * consumer did, after a rebalance in the two-brokers-down drill, and its group wrote
	 * nothing more).
	 */
	@Override
	public void onApplicationEvent(ListenerContainerIdleEvent event) {
		Consumer<?, ?> consumer = event.getConsumer();
		Set<TopicPartition> assigned = consumer.assignment();
		if (assigned.isEmpty()) {
			return;
		}
		long deadline = System.nanoTime() + this.idleBudget.toNanos();
		try {
			Map<TopicPartition, Long> positions = new HashMap<>();
			for (TopicPartition partition : assigned) {
				try {
					positions.put(partition, consumer.position(partition, left(deadline)));
				}
				catch (IllegalStateException ex) {
					logger.debug("Idle: {} is no longer assigned to this consumer", partition);
				}
			}
			if (positions.isEmpty()) {
				return;
			}
			Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(positions.keySet(), left(deadline));
			Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
			positions.forEach((partition, position) -> {
				OffsetAndMetadata offset = committed.get(partition);
				if (offset == null || position > offset.offset()) {
					ahead.put(partition, new OffsetAndMetadata(position));
				}
			});
			if (!ahead.isEmpty()) {
				consumer.commitSync(ahead, left(deadline));
				logger.debug("Idle: committed the positions {}", ahead);
			}
		}
		catch (KafkaException ex) {
			// The next idle event tries again.
			logger.debug("Idle: could not commit the positions of {}: {}", assigned, ex.getMessage());
		}
	}

	/** What is left until the deadline, never negative. */
	private static Duration left(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

}
