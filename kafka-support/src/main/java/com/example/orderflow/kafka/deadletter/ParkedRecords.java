package com.example.orderflow.kafka.deadletter;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The index of the group's dead-letter topic, rebuilt from the topic at every start: what
 * is parked, and which parked records were replayed already (learned from the
 * {@code orderflow-replayed-from} headers on the group's first retry topic, so the marks
 * survive a restart and every instance of the service sees them).
 */
class ParkedRecords {

	private static final Comparator<ParkedRecord> NEWEST_LAST = Comparator.comparing(ParkedRecord::parkedAt)
		.thenComparing(ParkedRecord::id);

	private final int maxReplays;

	private final Map<ParkedRecordId, ParkedRecord> parked = new ConcurrentHashMap<>();

	/** Parked record to the offset of its replayed copy on retry topic 1. */
	private final Map<ParkedRecordId, Long> replays = new ConcurrentHashMap<>();

	/**
	 * Per partition of retry topic 1, the offset below which every committed record was
	 * indexed: where a reader of replay marks may start.
	 */
	private final Map<Integer, Long> replayTopicRead = new ConcurrentHashMap<>();

	private volatile boolean loaded;

	ParkedRecords(int maxReplays) {
		this.maxReplays = maxReplays;
	}

	/** Adds a record read from the dead-letter topic; false if it was known already. */
	boolean park(ParkedRecord record) {
		return this.parked.putIfAbsent(record.id(), record) == null;
	}

	void markReplayed(ParkedRecordId id, long replayOffset) {
		this.replays.putIfAbsent(id, replayOffset);
	}

	/**
	 * Takes the replay mark, if any, of a record read from retry topic 1 under
	 * {@code read_committed}: its {@code orderflow-replayed-from} header names the parked
	 * record it copies. Whoever reads that topic (the DLQ consumer, a replay checking for
	 * marks) hands every record here, in offset order.
	 */
	void readReplayTopic(ConsumerRecord<?, ?> record) {
		OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM)
			.flatMap(ParkedRecordId::parse)
			.ifPresent((id) -> markReplayed(id, record.offset()));
		replayTopicReadUpTo(record.partition(), record.offset() + 1);
	}

	/**
	 * Notes that a {@code read_committed} reader of retry topic 1 got this far in a
	 * partition: every committed record below was handed to
	 * {@link #readReplayTopic(ConsumerRecord)}.
	 */
	void replayTopicReadUpTo(int partition, long position) {
		this.replayTopicRead.merge(partition, position, Math::max);
	}

	/** Where a reader of the marks in a partition of retry topic 1 may start. */
	long replayTopicReadUpTo(int partition) {
		return this.replayTopicRead.getOrDefault(partition, 0L);
	}

	Optional<ParkedRecord> find(ParkedRecordId id) {
		return Optional.ofNullable(this.parked.get(id)).map(this::resolve);
	}

	List<ParkedRecord> list() {
		return this.parked.values().stream().map(this::resolve).sorted(NEWEST_LAST).toList();
	}

	/** Records in the dead-letter topic that were not replayed (yet). */
	long stillParked() {
		return this.parked.keySet().stream().filter((id) -> !this.replays.containsKey(id)).count();
	}

	/**
	 * Whether the index has read both topics up to where they ended at start-up. Until
	 * then a replay is refused, because a replay mark not read yet could let a record be
	 * replayed twice.
	 */
	boolean isLoaded() {
		return this.loaded;
	}

	void loaded(boolean loaded) {
		this.loaded = loaded;
	}

	private ParkedRecord resolve(ParkedRecord record) {
		return record.resolve(this.replays.get(record.id()), this.maxReplays);
	}

}
