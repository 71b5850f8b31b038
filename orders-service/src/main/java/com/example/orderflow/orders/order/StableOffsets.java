package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;

/**
 * Tells when the records of a committed transaction are visible to {@code read_committed}
 * readers. A commit returns once the transaction coordinator has logged the decision; the
 * markers that make the records readable reach each partition a moment later, and until
 * then the partition's last stable offset stays at or below the records. Answered when
 * the commit returned, 58 of 200 concurrent orders got their 201 before a reader could
 * see them ({@code CommitOnKafkaTests} on the in-JVM cluster).
 * <p>
 * It also tells what became of a transaction whose commit failed on the client: a commit
 * that timed out (two brokers down, say) may still have been taken by the coordinator and
 * complete later. The log knows: once the last stable offset has passed the transaction's
 * records, a {@code read_committed} reader either gets them (committed) or skips them
 * (aborted).
 */
final class StableOffsets implements AutoCloseable {

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

	private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	/** Markers normally land within milliseconds: ask often, but not in a busy loop. */
	private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/**
	 * One question to the partitions' leaders. Each asks the cluster for the leaders
	 * anew, so after a broker dies a question to it is given up within this and the next
	 * one goes to the new leader, instead of waiting out the whole wait on a dead node.
	 */
	private static final Duration ATTEMPT = Duration.ofSeconds(1);

	private static final ListOffsetsOptions READ_COMMITTED = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)
		.timeoutMs((int) ATTEMPT.toMillis());

	private final Admin admin;

	private final Map<String, Object> clientConfig;

	/** Created on the first unknown outcome; used by one writer at a time. */
	private @Nullable KafkaConsumer<byte[], byte[]> reader;

	StableOffsets(Map<String, Object> adminConfig) {
		this.admin = Admin.create(adminConfig);
		this.clientConfig = Map.copyOf(adminConfig);
	}

	/**
	 * Returns once the last stable offset of each partition is past the given offset in
	 * it.
	 * @param offsets the highest offset written per partition
	 * @throws TimeoutException if that takes longer than {@code timeout}
	 * @throws ExecutionException if the cluster could not be asked
	 */
	void awaitPast(Map<TopicPartition, Long> offsets, Duration timeout)
			throws InterruptedException, TimeoutException, ExecutionException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<TopicPartition, Long> waiting = new HashMap<>(offsets);
		long pause = FIRST_PAUSE_NANOS;
		while (!waiting.isEmpty()) {
			Map<TopicPartition, OffsetSpec> latest = waiting.keySet()
				.stream()
				.collect(Collectors.toMap(Function.identity(), (partition) -> OffsetSpec.latest()));
			try {
				Map<TopicPartition, ListOffsetsResultInfo> stable = this.admin.listOffsets(latest, READ_COMMITTED)
					.all()
					.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				waiting.entrySet().removeIf((written) -> stable.get(written.getKey()).offset() > written.getValue());
				if (waiting.isEmpty()) {
					return;
				}
			}
			catch (ExecutionException ex) {
				// A leader that died or moved: ask again, the cluster names the new one.
				if (System.nanoTime() + pause > deadline) {
					throw ex;
				}
			}
			if (System.nanoTime() + pause > deadline) {
				throw new TimeoutException("Not visible to read_committed readers within " + timeout + ": " + waiting);
			}
			TimeUnit.NANOSECONDS.sleep(pause);
			pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
		}
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
			TimeUnit.NANOSECONDS.sleep(LONGEST_PAUSE_NANOS * 5);
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
		this.admin.close(Duration.ofSeconds(5));
		if (this.reader != null) {
			this.reader.close(Duration.ofSeconds(5));
		}
	}

}
