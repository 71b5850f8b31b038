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
					OffsetAndMetadata offset = committed.get(partition);
					if (offset != null) {
						consumer.seek(partition, offset);
					}
					else {
						consumer.seekToBeginning(List.of(partition));
					}
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

	/** Commits the position of every partition that is past its committed offset. */
	@Override
	public void onApplicationEvent(ListenerContainerIdleEvent event) {
		Consumer<?, ?> consumer = event.getConsumer();
		Set<TopicPartition> assigned = consumer.assignment();
		if (assigned.isEmpty()) {
			return;
		}
		try {
			Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned, READ_TIMEOUT);
			Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
			for (TopicPartition partition : assigned) {
				long position = consumer.position(partition, READ_TIMEOUT);
				OffsetAndMetadata offset = committed.get(partition);
				if (offset == null || position > offset.offset()) {
					ahead.put(partition, new OffsetAndMetadata(position));
				}
			}
			if (!ahead.isEmpty()) {
				consumer.commitSync(ahead, READ_TIMEOUT);
				logger.debug("Idle: committed the positions {}", ahead);
			}
		}
		catch (KafkaException ex) {
			// The next idle event tries again.
			logger.debug("Idle: could not commit the positions of {}: {}", assigned, ex.getMessage());
		}
	}

}
