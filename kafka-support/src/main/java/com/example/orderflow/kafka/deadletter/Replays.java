package com.example.orderflow.kafka.deadletter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays parked records into the group's first retry topic, on the partition they came
 * from, with their original key, value bytes and headers. The group's own retry listener
 * handles them again; no other group ever sees them. A parked record is replayed at most
 * once, across every instance of the service and its restarts: each partition of the
 * dead-letter topic has one writer at a time in the whole group ({@link ReplayWriter}). A
 * replay that fails again is parked again, as a new record with a higher replay count.
 */
class Replays implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Replays.class);

	/**
	 * Records per transaction when replaying all: well inside the transaction timeout.
	 */
	static final int BATCH = 100;

	private final DeadLetterTopic topic;

	private final ParkedRecords index;

	private final ReplayProducers producers;

	private final Counter replayed;

	private final Clock clock;

	/** By partition of the dead-letter topic. */
	private final Map<Integer, ReplayWriter> writers = new ConcurrentHashMap<>();

	private boolean closed;

	Replays(String group, DeadLetterTopic topic, ParkedRecords index, ReplayProducers producers, MeterRegistry meters,
			Clock clock) {
		this.topic = topic;
		this.index = index;
		this.producers = producers;
		this.clock = clock;
		this.replayed = Counter.builder("orderflow.events.replayed")
			.description("Parked records replayed from the dead-letter topic into the group's retry path")
			.tag("group", group)
			.register(meters);
	}

	/**
	 * Replays one parked record, unless this or another instance replayed it already.
	 */
	ReplayReceipt replay(ParkedRecordId id) {
		requireLoaded();
		ParkedRecord parked = this.index.find(id).orElseThrow(() -> new UnknownParkedRecordException(id));
		if (parked.status() != ParkedRecord.Status.PARKED) {
			throw new ReplayRefusedException(parked);
		}
		ConsumerRecord<String, byte[]> record = fetch(List.of(parked)).get(id);
		if (record == null) {
			throw new UnknownParkedRecordException(id);
		}
		ReplayWriter.Outcome outcome = writer(id.partition()).replay(List.of(parked), Map.of(id, record));
		if (!outcome.refused().isEmpty()) {
			throw new ReplayRefusedException(outcome.refused().get(0));
		}
		return receiptsOf(outcome).get(0);
	}

	/**
	 * Replays every parked record that can be, partition by partition, in transactions of
	 * {@value #BATCH}; says which it left and why.
	 */
	ReplayReport replayAll() {
		requireLoaded();
		List<ParkedRecord> replayable = new ArrayList<>();
		List<ReplayReport.Skipped> skipped = new ArrayList<>();
		for (ParkedRecord parked : this.index.list()) {
			if (parked.status() == ParkedRecord.Status.PARKED) {
				replayable.add(parked);
			}
			else {
				skipped.add(ReplayReport.Skipped.of(parked, ReplayRefusedException.reason(parked)));
			}
		}
		Map<ParkedRecordId, ConsumerRecord<String, byte[]>> records = fetch(replayable);
		Map<Integer, List<ParkedRecord>> byPartition = new TreeMap<>();
		for (ParkedRecord parked : replayable) {
			if (records.containsKey(parked.id())) {
				byPartition.computeIfAbsent(parked.partition(), (partition) -> new ArrayList<>()).add(parked);
			}
			else {
				skipped.add(ReplayReport.Skipped.of(parked, "no longer in the topic"));
			}
		}
		List<ReplayReceipt> receipts = new ArrayList<>();
		byPartition.forEach((partition, found) -> {
			for (int from = 0; from < found.size(); from += BATCH) {
				List<ParkedRecord> batch = found.subList(from, Math.min(found.size(), from + BATCH));
				try {
					ReplayWriter.Outcome outcome = writer(partition).replay(batch, records);
					receipts.addAll(receiptsOf(outcome));
					outcome.refused()
						.forEach((refused) -> skipped
							.add(ReplayReport.Skipped.of(refused, ReplayRefusedException.reason(refused))));
				}
				catch (ReplayFailedException ex) {
					throw new ReplayFailedException(ex.getMessage() + " (" + receipts.size()
							+ " replayed before that, see GET /admin/dead-letters)", ex.getCause());
				}
			}
		});
		logger.info("Replayed {} parked records of {}, skipped {}", receipts.size(), this.topic.name(), skipped.size());
		return new ReplayReport(receipts.size(), receipts, skipped);
	}

	private void requireLoaded() {
		if (!this.index.isLoaded()) {
			throw new DeadLettersLoadingException(this.topic.name());
		}
	}

	private Map<ParkedRecordId, ConsumerRecord<String, byte[]>> fetch(List<ParkedRecord> parked) {
		try {
			return this.topic.fetch(parked.stream().map(ParkedRecord::id).toList());
		}
		catch (RuntimeException ex) {
			throw new ReplayFailedException("Could not read " + this.topic.name() + ": " + ex.getMessage(), ex);
		}
	}

	private synchronized ReplayWriter writer(int partition) {
		if (this.closed) {
			throw new ReplayFailedException("The service is shutting down");
		}
		return this.writers.computeIfAbsent(partition,
				(created) -> new ReplayWriter(created, this.topic, this.index, this.producers, this.clock));
	}

	private List<ReplayReceipt> receiptsOf(ReplayWriter.Outcome outcome) {
		List<ReplayReceipt> receipts = new ArrayList<>();
		for (ReplayWriter.Copy copy : outcome.copied()) {
			ParkedRecord parked = copy.parked();
			this.replayed.increment();
			logger.info("Replayed {} {} (key {}, replay {}) to {}-{}@{}", this.topic.name(), parked.id(), parked.key(),
					parked.replayCount() + 1, this.topic.replayTopic(), parked.partition(), copy.offset());
			receipts.add(new ReplayReceipt(parked.partition(), parked.offset(), this.topic.replayTopic(),
					parked.partition(), copy.offset(), parked.replayCount() + 1));
		}
		return receipts;
	}

	/** Closes every partition's producer; a replay still running finishes first. */
	@Override
	public void close() {
		List<ReplayWriter> open;
		synchronized (this) {
			this.closed = true;
			open = List.copyOf(this.writers.values());
		}
		open.forEach(ReplayWriter::close);
	}

	/**
	 * What one replay wrote.
	 *
	 * @param partition the parked record's partition in the dead-letter topic
	 * @param offset the parked record's offset there
	 * @param replayTopic the group's first retry topic
	 * @param replayPartition the partition of the copy there (the same)
	 * @param replayOffset the offset of the copy there
	 * @param replayCount how often this event has been replayed now
	 */
	record ReplayReceipt(int partition, long offset, String replayTopic, int replayPartition, long replayOffset,
			int replayCount) {

	}

	/**
	 * What a replay of all parked records did.
	 *
	 * @param replayed how many it replayed
	 * @param records what each replay wrote
	 * @param skipped the records it left, with the reason
	 */
	record ReplayReport(int replayed, List<ReplayReceipt> records, List<Skipped> skipped) {

		/**
		 * A record that was not replayed.
		 *
		 * @param partition its partition in the dead-letter topic
		 * @param offset its offset there
		 * @param status its status
		 * @param reason why it was left
		 */
		record Skipped(int partition, long offset, ParkedRecord.Status status, String reason) {

			static Skipped of(ParkedRecord parked, String reason) {
				return new Skipped(parked.partition(), parked.offset(), parked.status(), reason);
			}

		}

	}

}
