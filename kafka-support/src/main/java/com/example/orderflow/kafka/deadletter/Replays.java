package com.example.orderflow.kafka.deadletter;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Replays parked records into the group's first retry topic, on the partition they came
 * from, with their original key, value bytes and headers. The group's own retry listener
 * handles them again; no other group ever sees them. A parked record is replayed at most
 * once: a replay that fails again is parked again, as a new record with a higher replay
 * count.
 */
class Replays {

	private static final Logger logger = LoggerFactory.getLogger(Replays.class);

	/**
	 * Records per transaction when replaying all: well inside the transaction timeout.
	 */
	static final int BATCH = 100;

	private final DeadLetterTopic topic;

	private final ParkedRecords index;

	private final KafkaTemplate<Object, Object> kafka;

	private final Counter replayed;

	private final Clock clock;

	Replays(String group, DeadLetterTopic topic, ParkedRecords index, KafkaTemplate<Object, Object> kafka,
			MeterRegistry meters, Clock clock) {
		this.topic = topic;
		this.index = index;
		this.kafka = kafka;
		this.clock = clock;
		this.replayed = Counter.builder("orderflow.events.replayed")
			.description("Parked records replayed from the dead-letter topic into the group's retry path")
			.tag("group", group)
			.register(meters);
	}

	/**
	 * Replays one parked record. Serialized with every other replay of this instance, so
	 * that two requests for the same record cannot both pass the check.
	 */
	synchronized ReplayReceipt replay(ParkedRecordId id) {
		requireLoaded();
		ParkedRecord parked = this.index.find(id).orElseThrow(() -> new UnknownParkedRecordException(id));
		if (parked.status() != ParkedRecord.Status.PARKED) {
			throw new ReplayRefusedException(parked);
		}
		ConsumerRecord<String, byte[]> record = fetch(List.of(parked)).get(id);
		if (record == null) {
			throw new UnknownParkedRecordException(id);
		}
		return send(List.of(parked), Map.of(id, record)).get(0);
	}

	/**
	 * Replays every parked record that can be, in transactions of {@value #BATCH}; says
	 * which it left and why.
	 */
	synchronized ReplayReport replayAll() {
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
		List<ParkedRecord> found = new ArrayList<>();
		for (ParkedRecord parked : replayable) {
			if (records.containsKey(parked.id())) {
				found.add(parked);
			}
			else {
				skipped.add(ReplayReport.Skipped.of(parked, "no longer in the topic"));
			}
		}
		List<ReplayReceipt> receipts = new ArrayList<>();
		for (int from = 0; from < found.size(); from += BATCH) {
			List<ParkedRecord> batch = found.subList(from, Math.min(found.size(), from + BATCH));
			try {
				receipts.addAll(send(batch, records));
			}
			catch (ReplayFailedException ex) {
				throw new ReplayFailedException(ex.getMessage() + " (" + receipts.size()
						+ " replayed before that, see GET /admin/dead-letters)", ex.getCause());
			}
		}
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

	/**
	 * One transaction: it commits only once every copy is on all in-sync replicas, or
	 * none is visible. Then the records are marked replayed here at once (the reader
	 * learns it from the retry topic too, as every other instance does).
	 */
	private List<ReplayReceipt> send(List<ParkedRecord> batch,
			Map<ParkedRecordId, ConsumerRecord<String, byte[]>> records) {
		List<CompletableFuture<SendResult<Object, Object>>> sends;
		try {
			sends = this.kafka.executeInTransaction((operations) -> batch.stream()
				.map((parked) -> operations.send(copyOf(parked, records.get(parked.id()))))
				.toList());
		}
		catch (RuntimeException ex) {
			throw new ReplayFailedException("Could not replay " + this.topic.name() + " to " + this.topic.replayTopic()
					+ ": " + ex.getMessage(), ex);
		}
		List<ReplayReceipt> receipts = new ArrayList<>();
		for (int i = 0; i < batch.size(); i++) {
			ParkedRecord parked = batch.get(i);
			RecordMetadata written = written(sends.get(i));
			this.index.markReplayed(parked.id(), written.offset());
			this.replayed.increment();
			logger.info("Replayed {} {} (key {}, replay {}) to {}-{}@{}", this.topic.name(), parked.id(), parked.key(),
					parked.replayCount() + 1, written.topic(), written.partition(), written.offset());
			receipts.add(new ReplayReceipt(parked.partition(), parked.offset(), written.topic(), written.partition(),
					written.offset(), parked.replayCount() + 1));
		}
		return receipts;
	}

	/** The copy: same partition, key, value bytes and headers, plus the replay's own. */
	private ProducerRecord<Object, Object> copyOf(ParkedRecord parked, ConsumerRecord<String, byte[]> record) {
		return new ProducerRecord<>(this.topic.replayTopic(), record.partition(), null, record.key(), record.value(),
				replayHeaders(record.headers(), parked.id(), parked.replayCount() + 1));
	}

	/**
	 * The original headers (type id, {@code kafka_dlt-*} history), with the attempt of
	 * retry topic 1, due at once, counted, and pointing back at the parked record.
	 */
	private Headers replayHeaders(Headers original, ParkedRecordId id, int replayCount) {
		Headers headers = new RecordHeaders(original.toArray());
		OrderflowHeaders.set(headers, OrderflowHeaders.ATTEMPT, 2);
		OrderflowHeaders.set(headers, OrderflowHeaders.DUE_AT, this.clock.millis());
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAY_COUNT, replayCount);
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAYED_FROM, id.toString());
		return headers;
	}

	/** Already complete: the transaction committed, so every send in it succeeded. */
	private static RecordMetadata written(CompletableFuture<SendResult<Object, Object>> send) {
		try {
			return send.get(30, TimeUnit.SECONDS).getRecordMetadata();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("A send of a committed transaction did not complete", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
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
