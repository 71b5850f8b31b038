package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells when the records of a committed transaction are visible to {@code read_committed}
 * readers. A commit returns once the transaction coordinator has logged the decision; the
 * markers that make the records readable reach each partition a moment later, and until
 * then the partition's last stable offset stays at or below the records. Answered when
 * the commit returned, 58 of 200 concurrent orders got their 201 before a reader could
 * see them ({@code CommitOnKafkaTests} on the in-JVM cluster).
 */
final class StableOffsets implements AutoCloseable {

	private static final long FIRST_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

	/** Markers normally land within milliseconds: ask often, but not in a busy loop. */
	private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final ListOffsetsOptions READ_COMMITTED = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);

	private final Admin admin;

	StableOffsets(Map<String, Object> adminConfig) {
		this.admin = Admin.create(adminConfig);
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
			Map<TopicPartition, ListOffsetsResultInfo> stable = this.admin.listOffsets(latest, READ_COMMITTED)
				.all()
				.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			waiting.entrySet().removeIf((written) -> stable.get(written.getKey()).offset() > written.getValue());
			if (waiting.isEmpty()) {
				return;
			}
			if (System.nanoTime() + pause > deadline) {
				throw new TimeoutException("Not visible to read_committed readers within " + timeout + ": " + waiting);
			}
			TimeUnit.NANOSECONDS.sleep(pause);
			pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
		}
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}
