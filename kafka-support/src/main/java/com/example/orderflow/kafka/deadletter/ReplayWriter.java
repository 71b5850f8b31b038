package com.example.orderflow.kafka.deadletter;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of replays for one partition of the dead-letter topic, across every
 * instance of the group. Its copies go to the same partition of retry topic 1, where each
 * is also the claim that its parked record was replayed
 * ({@code orderflow-replayed-from}).
 * <p>
 * No index of this instance can tell whether another instance is replaying the same
 * record at this moment; the cluster can. Every instance uses the same transactional id
 * for the partition, so:
 * <ol>
 * <li>{@code initTransactions} fences the other instances' writer of the partition: from
 * then on, their transactions fail; it also completes or aborts the one they left
 * open;</li>
 * <li>then the marks are read under {@code read_committed} up to the partition's high
 * watermark after the fencing, which holds every claim committed before it;</li>
 * <li>then the claims (the copies) are written in one transaction, which commits only if
 * nobody fenced this writer in between; a writer fenced after its check commits
 * nothing.</li>
 * </ol>
 * A fenced writer does not answer success: it reads what the winner wrote (409 if the
 * winner replayed the same record) and otherwise fences in turn and tries again; so does
 * a writer whose commit failed for a reason that leaves its outcome open. The answer
 * comes only once the copies are visible to {@code read_committed} readers, so an
 * instance that starts after it loads the mark.
 * <p>
 * One instance serializes its own replays of a partition here; a producer is not shared
 * between transactions.
 */
class ReplayWriter implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReplayWriter.class);

	/**
	 * How often a writer fenced by another instance (or failed otherwise, see
	 * {@link #worthAnotherAttempt}) checks and tries again.
	 */
	private static final int ATTEMPTS = 8;

	/** The longest pause between two attempts. */
	private static final long MAX_PAUSE_MILLIS = 1000;

	/**
	 * How long reading the marks may wait for open transactions on the retry partition:
	 * the producers' transaction timeout (15 s) and then some.
	 */
	private static final Duration MARKS_WITHIN = Duration.ofSeconds(30);

	private static final Duration POLL = Duration.ofMillis(100);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final int partition;

	private final DeadLetterTopic topic;

	private final ParkedRecords index;

	private final ReplayProducers producers;

	private final Clock clock;

	/** Initialized, not fenced as far as this instance knows; null until needed. */
	private @Nullable Producer<String, byte[]> producer;

	private boolean closed;

	ReplayWriter(int partition, DeadLetterTopic topic, ParkedRecords index, ReplayProducers producers, Clock clock) {
		this.partition = partition;
		this.topic = topic;
		this.index = index;
		this.producers = producers;
		this.clock = clock;
	}

	/**
	 * Replays those of these parked records (all on this writer's partition) that nobody
	 * replayed yet, in one transaction.
	 * @param batch the parked records
	 * @param records their records as read from the dead-letter topic
	 * @return what was copied, and what was refused because it was replayed already
	 * @throws ReplayFailedException if the cluster did not confirm it; asking again is
	 * safe: it replays what this attempt did not, and refuses what it did
	 */
	synchronized Outcome replay(List<ParkedRecord> batch, Map<ParkedRecordId, ConsumerRecord<String, byte[]>> records) {
		// Copies an attempt wrote before it failed: if one of them committed after all,
		// its mark is found at exactly that offset, and it is this replay's.
		Map<ParkedRecordId, Long> sentBefore = new HashMap<>();
		Consumer<String, byte[]> reader;
		try {
			reader = this.topic.replayTopicReader(this.partition, this.index.replayTopicReadUpTo(this.partition));
		}
		catch (RuntimeException ex) {
			throw new ReplayFailedException(
					"Could not read the replay marks on " + this.topic.replayTopic() + ": " + ex.getMessage(), ex);
		}
		try (reader) {
			for (int attempt = 1;; attempt++) {
				try {
					if (attempt > 1) {
						// Fenced: first see what the winner wrote (its open transaction
						// holds this read until it commits or aborts), without fencing it
						// in turn.
						readMarks(reader, this.topic.replayTopicEnd(this.partition));
						Outcome decided = decide(batch, sentBefore);
						if (decided.toCopy().isEmpty()) {
							return decided;
						}
						pause(attempt);
					}
					Producer<String, byte[]> producer = producer();
					readMarks(reader, this.topic.replayTopicEnd(this.partition));
					Outcome decided = decide(batch, sentBefore);
					if (decided.toCopy().isEmpty()) {
						return decided;
					}
					List<Copy> copies = copy(producer, decided.toCopy(), records, sentBefore);
					awaitVisible(reader, copies);
					return decided.withCopies(copies);
				}
				catch (ReplayFailedException ex) {
					discardProducer();
					throw ex;
				}
				catch (RuntimeException ex) {
					discardProducer();
					if (!worthAnotherAttempt(ex)) {
						throw new ReplayFailedException("Could not replay " + this.topic.name() + " partition "
								+ this.partition + " to " + this.topic.replayTopic() + ": " + ex.getMessage()
								+ "; asking again replays what this did not, and refuses what it did", ex);
					}
					if (attempt == ATTEMPTS) {
						throw new ReplayFailedException("Replaying " + this.topic.name() + " partition "
								+ this.partition + " failed " + ATTEMPTS + " times, last: " + ex.getMessage()
								+ "; asking again replays what this did not, and refuses what it did", ex);
					}
					logger.info("Replaying {} partition {} as {} failed ({}): checking what another instance wrote",
							this.topic.name(), this.partition, this.producers.transactionalId(this.partition),
							ex.getMessage());
				}
			}
		}
	}

	/** What is replayed already, by whom, and what is left to copy. */
	private Outcome decide(List<ParkedRecord> batch, Map<ParkedRecordId, Long> sentBefore) {
		List<ParkedRecord> toCopy = new ArrayList<>();
		List<Copy> copied = new ArrayList<>();
		List<ParkedRecord> refused = new ArrayList<>();
		for (ParkedRecord parked : batch) {
			ParkedRecord now = this.index.find(parked.id()).orElse(parked);
			Long mark = now.replayOffset();
			if (mark == null && now.status() == ParkedRecord.Status.PARKED) {
				toCopy.add(now);
			}
			else if (mark != null && mark.equals(sentBefore.get(parked.id()))) {
				copied.add(new Copy(now, mark));
			}
			else {
				refused.add(now);
			}
		}
		return new Outcome(copied, refused, toCopy);
	}

	/** The claims, in one transaction: all of them commit, or none. */
	private List<Copy> copy(Producer<String, byte[]> producer, List<ParkedRecord> toCopy,
			Map<ParkedRecordId, ConsumerRecord<String, byte[]>> records, Map<ParkedRecordId, Long> sentBefore) {
		List<Future<RecordMetadata>> sends = new ArrayList<>();
		try {
			producer.beginTransaction();
			for (ParkedRecord parked : toCopy) {
				sends.add(producer.send(copyOf(parked, records.get(parked.id()))));
			}
			producer.commitTransaction();
		}
		catch (RuntimeException ex) {
			for (int i = 0; i < sends.size(); i++) {
				RecordMetadata written = sentOrNull(sends.get(i));
				if (written != null) {
					sentBefore.put(toCopy.get(i).id(), written.offset());
				}
			}
			throw ex;
		}
		List<Copy> copies = new ArrayList<>();
		for (int i = 0; i < toCopy.size(); i++) {
			// Complete: the commit flushed every send, and failed if any did.
			RecordMetadata written = sentOrNull(sends.get(i));
			if (written == null) {
				throw new IllegalStateException("A send of a committed transaction did not complete");
			}
			this.index.markReplayed(toCopy.get(i).id(), written.offset());
			copies.add(new Copy(toCopy.get(i), written.offset()));
		}
		return copies;
	}

	/**
	 * Committed is not yet visible: the commit returns once the coordinator decided it,
	 * and the markers that let {@code read_committed} readers past the copies follow. An
	 * instance that starts after the answer must find the marks, so the answer waits for
	 * them.
	 */
	private void awaitVisible(Consumer<String, byte[]> reader, List<Copy> copies) {
		long last = copies.stream().mapToLong(Copy::offset).max().orElseThrow();
		try {
			readMarks(reader, last + 1);
		}
		catch (RuntimeException ex) {
			throw new ReplayFailedException("Replayed " + copies.size() + " record(s) of " + this.topic.name()
					+ " partition " + this.partition + " (committed, up to offset " + last + " of "
					+ this.topic.replayTopic() + "), but could not see them as a read_committed reader: "
					+ ex.getMessage() + "; GET /admin/dead-letters lists them as replayed once they are visible", ex);
		}
	}

	private static @Nullable RecordMetadata sentOrNull(Future<RecordMetadata> send) {
		if (!send.isDone()) {
			return null;
		}
		try {
			return send.get();
		}
		catch (ExecutionException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Reads the replay topic's partition into the index, under {@code read_committed},
	 * until the reader's position reaches {@code end}: past every record below it that
	 * committed, whose transaction has to be decided first.
	 */
	private void readMarks(Consumer<String, byte[]> reader, long end) {
		TopicPartition replayPartition = new TopicPartition(this.topic.replayTopic(), this.partition);
		long deadline = System.nanoTime() + MARKS_WITHIN.toNanos();
		long position = reader.position(replayPartition);
		while (position < end) {
			if (System.nanoTime() > deadline) {
				throw new ReplayFailedException(
						"Could not read the replay marks on " + replayPartition + " up to " + end + " within "
								+ MARKS_WITHIN + " (read up to " + position + "): a transaction there stays open");
			}
			for (ConsumerRecord<String, byte[]> record : reader.poll(POLL).records(replayPartition)) {
				this.index.readReplayTopic(record);
			}
			position = reader.position(replayPartition);
			this.index.replayTopicReadUpTo(this.partition, position);
		}
	}

	/**
	 * This instance's producer for the partition; a new one fences every other
	 * instance's, and waits until the transaction they left is committed or aborted.
	 */
	private Producer<String, byte[]> producer() {
		if (this.closed) {
			throw new IllegalStateException("Closed");
		}
		if (this.producer == null) {
			Producer<String, byte[]> created = this.producers.create(this.partition);
			try {
				created.initTransactions();
			}
			catch (RuntimeException ex) {
				created.close(Duration.ZERO);
				throw ex;
			}
			this.producer = created;
		}
		return this.producer;
	}

	/**
	 * After any failure: a fenced producer is useless, and one whose transaction failed
	 * midway is in no state to trust. Closing it aborts its open transaction, if the
	 * cluster still takes that; the next writer's {@code initTransactions} does
	 * otherwise.
	 */
	private void discardProducer() {
		Producer<String, byte[]> current = this.producer;
		this.producer = null;
		if (current != null) {
			try {
				current.close(CLOSE_TIMEOUT);
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the replay producer of {} partition {} failed", this.topic.name(), this.partition,
						ex);
			}
		}
	}

	/**
	 * A random pause that grows with each attempt, so that two writers that keep fencing
	 * each other soon stop doing so at the same time.
	 */
	private static void pause(int attempt) {
		long bound = Math.min(MAX_PAUSE_MILLIS, 20L << Math.min(attempt - 1, 10));
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(1, bound + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ReplayFailedException("Interrupted", ex);
		}
	}

	/**
	 * Whether checking the marks and trying again can help: another instance's writer
	 * fenced this one, or the cluster failed the transaction in a way that leaves its
	 * outcome to the check. (Kafka 4.1's coordinator answers a commit that meets another
	 * writer's fencing of the same id with UNKNOWN_SERVER_ERROR; that transaction is then
	 * aborted by the fencing.) Not when the cluster did not answer in time, which a retry
	 * would only wait out again, nor when it refused this writer its id or topic.
	 */
	private static boolean worthAnotherAttempt(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
					|| cause instanceof InvalidPidMappingException) {
				return true;
			}
			if (cause instanceof TimeoutException || cause instanceof AuthorizationException
					|| cause instanceof AuthenticationException) {
				return false;
			}
		}
		return failure instanceof KafkaException;
	}

	/** The copy: same partition, key, value bytes and headers, plus the replay's own. */
	private ProducerRecord<String, byte[]> copyOf(ParkedRecord parked, ConsumerRecord<String, byte[]> record) {
		return new ProducerRecord<>(this.topic.replayTopic(), record.partition(), null, record.key(), record.value(),
				replayHeaders(record.headers(), parked.id(), parked.replayCount() + 1));
	}

	/**
	 * The original headers (type id, {@code kafka_dlt-*} history), with the attempt of
	 * retry topic 1, due at once, counted, and pointing back at the parked record: the
	 * claim.
	 */
	private Headers replayHeaders(Headers original, ParkedRecordId id, int replayCount) {
		Headers headers = new RecordHeaders(original.toArray());
		OrderflowHeaders.set(headers, OrderflowHeaders.ATTEMPT, 2);
		OrderflowHeaders.set(headers, OrderflowHeaders.DUE_AT, this.clock.millis());
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAY_COUNT, replayCount);
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAYED_FROM, id.toString());
		return headers;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		discardProducer();
	}

	/**
	 * A parked record this writer copied to the retry topic.
	 *
	 * @param parked the parked record
	 * @param offset the copy's offset in the same partition of the retry topic
	 */
	record Copy(ParkedRecord parked, long offset) {

	}

	/**
	 * What a replay of a batch did, or has left to do.
	 *
	 * @param copied copied by this replay
	 * @param refused replayed already (or out of replays), so not copied
	 * @param toCopy not decided yet
	 */
	record Outcome(List<Copy> copied, List<ParkedRecord> refused, List<ParkedRecord> toCopy) {

		Outcome withCopies(List<Copy> copies) {
			List<Copy> all = new ArrayList<>(this.copied);
			all.addAll(copies);
			return new Outcome(List.copyOf(all), this.refused, List.of());
		}

	}

}
