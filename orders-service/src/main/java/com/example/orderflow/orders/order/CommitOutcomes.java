package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Tells what became of a transaction whose commit failed on the client: a commit that
 * timed out (two brokers down, say) may still have been taken by the coordinator and
 * complete later. The log knows: once the last stable offset has passed the transaction's
 * records, a {@code read_committed} reader either gets them (committed) or skips them
 * (aborted).
 */
final class CommitOutcomes implements AutoCloseable {

	/** What became of a transaction. */
	enum Outcome {

		COMMITTED, ABORTED,

		/** Not settled within the time given: the cluster may still commit it. */
		UNKNOWN

	}

	/** The offsets a transaction's records took in one partition. */
	record Written(long lowest, long highest) {

		Written including(long offset) {
			return new Written(Math.min(this.lowest, offset), Math.max(this.highest, offset));
		}

	}

	/** Between two questions whether the partitions are settled. */
	private static final Duration PAUSE = Duration.ofMillis(100);

	private final Map<String, Object> clientConfig;

	/** Created on the first failed commit; used by one writer at a time. */
	private @Nullable KafkaConsumer<byte[], byte[]> reader;

	CommitOutcomes(Map<String, Object> clientConfig) {
		this.clientConfig = Map.copyOf(clientConfig);
	}

	/**
	 * What became of the transaction that wrote these records: waits until every
	 * partition's last stable offset is past them, then reads the first of them as a
	 * {@code read_committed} reader (a transaction commits or aborts as a whole, so one
	 * partition tells).
	 */
	synchronized Outcome outcome(Map<TopicPartition, Written> written, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		KafkaConsumer<byte[], byte[]> reader = reader();
		while (!settled(reader, written)) {
			if (System.nanoTime() > deadline) {
				return Outcome.UNKNOWN;
			}
			Thread.sleep(PAUSE.toMillis());
		}
		Map.Entry<TopicPartition, Written> first = written.entrySet().iterator().next();
		TopicPartition partition = first.getKey();
		reader.assign(List.of(partition));
		reader.seek(partition, first.getValue().lowest());
		while (System.nanoTime() < deadline) {
			try {
				for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200)).records(partition)) {
					return (record.offset() == first.getValue().lowest()) ? Outcome.COMMITTED : Outcome.ABORTED;
				}
				if (reader.position(partition) > first.getValue().highest()) {
					return Outcome.ABORTED;
				}
			}
			catch (KafkaException ex) {
				// The cluster is still recovering: ask again.
			}
		}
		return Outcome.UNKNOWN;
	}

	private static boolean settled(KafkaConsumer<byte[], byte[]> reader, Map<TopicPartition, Written> written) {
		try {
			Map<TopicPartition, Long> stable = reader.endOffsets(written.keySet(), Duration.ofSeconds(5));
			return written.entrySet()
				.stream()
				.allMatch((each) -> stable.getOrDefault(each.getKey(), -1L) > each.getValue().highest());
		}
		catch (KafkaException ex) {
			return false;
		}
	}

	private KafkaConsumer<byte[], byte[]> reader() {
		if (this.reader == null) {
			Map<String, Object> config = new HashMap<>(this.clientConfig);
			config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
			config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			config.put(ConsumerConfig.CLIENT_ID_CONFIG, "orders-outcome-reader");
			this.reader = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
		}
		return this.reader;
	}

	@Override
	public synchronized void close() {
		if (this.reader != null) {
			this.reader.close(Duration.ofSeconds(5));
		}
	}

}
