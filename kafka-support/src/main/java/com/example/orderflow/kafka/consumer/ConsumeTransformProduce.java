package com.example.orderflow.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.adapter.BatchToRecordAdapter;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;
import org.springframework.messaging.Message;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Consume, transform, produce: the records of a poll in few Kafka transactions, each
 * holding the outputs of many records and their consumer offsets, so that all of them
 * commit or none does. A transaction costs the cluster the same for one record as for
 * hundreds; {@link ConsumerTransactionProperties} bounds how many records and how much
 * time one may take ({@code max-records: 1} is one transaction per record).
 * <p>
 * Each record is still decided on its own, in two steps:
 * <ol>
 * <li>Handle, outside any transaction: the record checks, then the listener, whose
 * results are collected ({@link Outputs}), not sent. A record that fails leaves nothing
 * behind: in a blocking group a transient failure is retried in place after a back-off
 * (the records before it commit first; its partition waits, so per-key order holds);
 * otherwise the failure is routed by {@link FailureRouting}: to the group's next retry
 * topic, or to its dead-letter topic for what no retry can cure (a business rejection,
 * bytes that are not an event) and for what is out of retries.</li>
 * <li>Write, in one transaction: the outputs of the handled records, the failed records
 * to their retry or dead-letter topic, and the offsets of them all. Waits (a retry
 * topic's due time, a back-off) happen between transactions, never inside one.</li>
 * </ol>
 * When the transaction itself fails (a send, the commit, a fenced producer), nothing of
 * it is visible, or its outcome is unknown (a commit that timed out may still complete).
 * Either way the records are not failures: every partition of the poll is set back to the
 * offset the group really committed, read with {@code require_stable} so that a commit in
 * flight is settled first, and the records come again. Nothing is routed for a failed
 * transaction, and nothing is handled twice because its commit looked failed. Should the
 * cluster refuse a record's own output for good (too large, say), its transaction would
 * fail on every delivery: after a rollback the records of that transaction go one per
 * transaction, which finds the record, and a record whose own transaction failed for that
 * reason is parked on its next delivery.
 */
class ConsumeTransformProduce implements BatchToRecordAdapter<Object, Object> {

	private static final Logger logger = LoggerFactory.getLogger(ConsumeTransformProduce.class);

	private static final LogAccessor LOG_ACCESSOR = new LogAccessor(ConsumeTransformProduce.class);

	/** Failures of a send that no retry of the same record can cure. */
	private static final Set<Class<? extends Throwable>> REFUSED_FOR_GOOD = Set.of(RecordTooLargeException.class,
			RecordBatchTooLargeException.class, InvalidRecordException.class, SerializationException.class);

	/**
	 * How long one poll may take to handle, its waits included; the rest goes back to the
	 * next poll. Well inside {@code max.poll.interval.ms} (5 minutes by default).
	 */
	private static final Duration POLL_BUDGET = Duration.ofMinutes(1);

	/** Back-off after a rollback, growing with rollbacks in a row. */
	private static final Duration FIRST_ROLLBACK_PAUSE = Duration.ofMillis(100);

	private static final Duration LONGEST_ROLLBACK_PAUSE = Duration.ofSeconds(5);

	private final KafkaOperations<Object, Object> kafka;

	private final ConsumerRetryProperties retry;

	private final ConsumerTransactionProperties bounds;

	private final FailureRouting routing;

	private final DeadLetterPublishingRecoverer failedRecords;

	private final RetryDelay retryDelay;

	private final List<RecordCheck> checks;

	private final RecordObservation observation;

	private final RecordTracing tracing;

	private final GroupPositions positions;

	private final Provenance provenance;

	private final BackOff inPlaceBackOff;

	/**
	 * Records whose own output the cluster refused for good, with why: parked on their
	 * next delivery instead of handled.
	 */
	private final Map<RecordId, Exception> refused = new ConcurrentHashMap<>();

	/**
	 * After a rollback, the records of that transaction are written one per transaction,
	 * up to these offsets.
	 */
	private final Map<TopicPartition, Long> oneByOneUntil = new ConcurrentHashMap<>();

	/** Rollbacks in a row on this consumer thread, for the back-off. */
	private final ThreadLocal<Integer> rollbacksInARow = ThreadLocal.withInitial(() -> 0);

	ConsumeTransformProduce(KafkaOperations<Object, Object> kafka, ConsumerRetryProperties retry,
			ConsumerTransactionProperties bounds, FailureRouting routing, DeadLetterPublishingRecoverer failedRecords,
			RetryDelay retryDelay, List<RecordCheck> checks, RecordObservation observation, RecordTracing tracing,
			GroupPositions positions, Provenance provenance, BackOff inPlaceBackOff) {
		this.kafka = kafka;
		this.retry = retry;
		this.bounds = bounds;
		this.routing = routing;
		this.failedRecords = failedRecords;
		this.retryDelay = retryDelay;
		this.checks = List.copyOf(checks);
		this.observation = observation;
		this.tracing = tracing;
		this.positions = positions;
		this.provenance = provenance;
		this.inPlaceBackOff = inPlaceBackOff;
	}

	@Override
	public void adapt(List<Message<?>> messages, List<ConsumerRecord<Object, Object>> records,
			@Nullable Acknowledgment ack, @Nullable Consumer<?, ?> consumer, Callback<Object, Object> callback) {
		Poll poll = new Poll(messages, records, ack, Objects.requireNonNull(consumer, "consumer"), callback);
		try {
			while (poll.hasNext()) {
				if (poll.age().compareTo(POLL_BUDGET) > 0) {
					// Back-offs and due times add up: hand the rest back to the next
					// poll,
					// well before max.poll.interval.ms would throw this member out.
					poll.handBackTheRest();
					return;
				}
				List<Outcome> handled = handleNext(poll);
				if (!handled.isEmpty()) {
					write(handled, poll.consumer());
				}
			}
		}
		catch (RolledBack rollback) {
			afterRollback(poll, rollback);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			// The container is stopping; the rest of the poll is not handled, so the
			// positions must not stay past it.
			this.positions.resumeFromCommitted(poll.consumer(), poll.partitions());
		}
	}

	/**
	 * Step 1: handles records from where the poll stands, until the transaction's bounds,
	 * a record that must wait, or the end of the poll.
	 */
	private List<Outcome> handleNext(Poll poll) throws InterruptedException {
		List<Outcome> handled = new ArrayList<>();
		long started = System.nanoTime();
		while (poll.hasNext() && handled.size() < this.bounds.maxRecords()
				&& System.nanoTime() - started < this.bounds.maxTime().toNanos()) {
			ConsumerRecord<Object, Object> record = poll.current();
			boolean alone = writtenAlone(record);
			if (alone && !handled.isEmpty()) {
				break;
			}
			Duration wait = max(this.retryDelay.untilDue(record), poll.untilRetry());
			if (!wait.isZero()) {
				if (!handled.isEmpty()) {
					// Commit what is done before waiting.
					break;
				}
				Thread.sleep(wait.toMillis());
				continue;
			}
			Outcome outcome = handle(poll, record);
			if (outcome == null) {
				// Retried in place after a back-off: the next pass waits for it.
				continue;
			}
			handled.add(outcome);
			poll.advance();
			if (alone) {
				break;
			}
		}
		return handled;
	}

	/**
	 * Handles one record: its outputs, or where it goes after failing; {@code null} when
	 * it is to be tried again in place after a back-off. The record's span stays open
	 * until its transaction commits or rolls back ({@link #committed},
	 * {@link #afterRollback}): it is current while the record's latency is recorded, so
	 * the latency's exemplar names it, and an ended span is never made current again (its
	 * context would be taken for a new span's, reported to the trace store without a
	 * name).
	 */
	private @Nullable Outcome handle(Poll poll, ConsumerRecord<Object, Object> record) {
		Span span = this.tracing.start(record);
		this.observation.enter(record);
		Outcome outcome = null;
		try (Tracer.SpanInScope scope = this.tracing.inScope(span)) {
			outcome = decide(poll, record, span);
			return outcome;
		}
		finally {
			this.observation.leave();
			if (outcome == null) {
				span.end();
			}
		}
	}

	/** The record's outcome, or {@code null} for another attempt in place. */
	private @Nullable Outcome decide(Poll poll, ConsumerRecord<Object, Object> record, Span span) {
		Exception failure = failureBeforeHandling(record);
		if (failure == null) {
			try {
				return new Outcome(record, Outputs.collect(() -> {
					this.checks.forEach((check) -> check.check(record));
					poll.invoke(record);
				}), null, null, span);
			}
			catch (RuntimeException ex) {
				failure = unwrap(ex);
			}
		}
		span.error(failure);
		if (this.retry.mode() == ConsumerRetryProperties.Mode.BLOCKING && FailureRouting.isRetryable(failure)
				&& poll.attempt() < this.retry.attempts()) {
			Duration backOff = poll.retryLater(this.inPlaceBackOff);
			logger.info("Attempt {} of {} failed, trying again in {} ms: {}", poll.attempt() - 1, this.retry.attempts(),
					backOff.toMillis(), rootMessage(failure));
			return null;
		}
		String destination = this.routing.nextTopic(record, failure);
		span.tag(RecordTracing.ROUTED_TO, destination);
		return new Outcome(record, List.of(), failure, destination, span);
	}

	/**
	 * A failure known before the listener runs: bytes no deserializer could read, or an
	 * output the cluster refused for good on an earlier delivery.
	 */
	private @Nullable Exception failureBeforeHandling(ConsumerRecord<Object, Object> record) {
		Exception refused = this.refused.remove(RecordId.of(record));
		if (refused != null) {
			return new OutputRefusedException(refused);
		}
		DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
				SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
		return unreadable;
	}

	/**
	 * Step 2: one transaction with the outputs of the handled records, the failed records
	 * on their way to a retry or dead-letter topic, and all their offsets.
	 */
	private void write(List<Outcome> outcomes, Consumer<?, ?> consumer) throws RolledBack {
		try {
			this.kafka.executeInTransaction((operations) -> {
				for (Outcome outcome : outcomes) {
					if (outcome.failure() == null) {
						for (ProducerRecord<Object, Object> output : outcome.outputs()) {
							send(operations,
									this.tracing.carry(outcome.span(), this.provenance.stamp(output, outcome.record())),
									outcome.record());
						}
					}
					else {
						// Joins this transaction: the template is bound to its producer.
						this.failedRecords.accept(outcome.record(), consumer, outcome.failure());
					}
				}
				operations.sendOffsetsToTransaction(nextOffsets(outcomes), consumer.groupMetadata());
				return null;
			});
		}
		catch (RecordRefused ex) {
			throw new RolledBack(outcomes, ex.getCause(), ex.record);
		}
		catch (RuntimeException ex) {
			throw new RolledBack(outcomes, ex, null);
		}
		this.rollbacksInARow.set(0);
		this.observation.committed(outcomes.size());
		for (Outcome outcome : outcomes) {
			committed(outcome);
		}
	}

	/**
	 * Sends one output. A send the client refuses at once for a reason of the record's
	 * own is that record's fault: the transaction cannot commit, and the record is named.
	 */
	private void send(KafkaOperations<Object, Object> operations, ProducerRecord<Object, Object> output,
			ConsumerRecord<Object, Object> input) {
		CompletableFuture<?> sent;
		try {
			sent = operations.send(output);
		}
		catch (RuntimeException ex) {
			if (refusedForGood(ex)) {
				throw new RecordRefused(input, ex);
			}
			throw ex;
		}
		if (sent.isCompletedExceptionally()) {
			try {
				sent.get();
			}
			catch (ExecutionException ex) {
				if (refusedForGood(ex.getCause())) {
					throw new RecordRefused(input, ex.getCause());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void committed(Outcome outcome) {
		ConsumerRecord<Object, Object> record = outcome.record();
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		this.oneByOneUntil.computeIfPresent(partition, (key, until) -> (record.offset() >= until) ? null : until);
		// In the record's trace: the latency's exemplar names it, and so does the line.
		try (Tracer.SpanInScope scope = this.tracing.inScope(outcome.span())) {
			committedInScope(outcome);
		}
		finally {
			outcome.span().end();
		}
	}

	private void committedInScope(Outcome outcome) {
		ConsumerRecord<Object, Object> record = outcome.record();
		if (outcome.failure() == null) {
			this.observation.processed(record);
			return;
		}
		boolean parked = this.routing.isDeadLetter(outcome.destination());
		this.observation.routed(record, parked);
		this.observation.enter(record);
		try {
			logger.warn("{} {}-{}@{} (key {}, attempt {}) to {}: {}", parked ? "Parked" : "Retrying later",
					record.topic(), record.partition(), record.offset(), record.key(), FailureRouting.attempt(record),
					outcome.destination(), rootMessage(outcome.failure()));
		}
		finally {
			this.observation.leave();
		}
	}

	/**
	 * Nothing of the transaction is visible, or it may still commit: resume every
	 * partition of the poll from the group's committed offset, after a back-off.
	 */
	private void afterRollback(Poll poll, RolledBack rollback) {
		this.observation.aborted();
		int rollbacks = this.rollbacksInARow.get() + 1;
		this.rollbacksInARow.set(rollbacks);
		ConsumerRecord<Object, Object> culprit = rollback.culprit;
		if (culprit == null && rollback.outcomes.size() == 1 && rollback.outcomes.get(0).failure() == null
				&& refusedForGood(rollback.getCause())) {
			// Alone in its transaction, only its outputs were sent: they were refused.
			culprit = rollback.outcomes.get(0).record();
		}
		if (culprit != null) {
			this.refused.put(RecordId.of(culprit), asException(rollback.getCause()));
		}
		for (Outcome outcome : rollback.outcomes) {
			ConsumerRecord<Object, Object> record = outcome.record();
			this.oneByOneUntil.merge(new TopicPartition(record.topic(), record.partition()), record.offset(),
					Math::max);
			// This handling's outputs are gone; the record's next delivery has a span
			// of its own.
			outcome.span().error(asException(rollback.getCause()));
			outcome.span().tag(RecordTracing.ROLLED_BACK, "true");
			outcome.span().end();
		}
		logger.warn(
				"Rolled back a transaction of {} records ({} in a row){}: {}; resuming {} from the group's "
						+ "committed offsets",
				rollback.outcomes.size(), rollbacks,
				(culprit != null) ? ", the output of " + RecordId.of(culprit) + " was refused" : "",
				rootMessage(rollback.getCause()), poll.partitions());
		this.positions.resumeFromCommitted(poll.consumer(), poll.partitions());
		long pause = Math.min(LONGEST_ROLLBACK_PAUSE.toMillis(),
				FIRST_ROLLBACK_PAUSE.toMillis() << Math.min(rollbacks - 1, 10));
		try {
			Thread.sleep(pause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Whether the record is one of a rolled-back transaction's, to be written alone. */
	private boolean writtenAlone(ConsumerRecord<Object, Object> record) {
		Long until = this.oneByOneUntil.get(new TopicPartition(record.topic(), record.partition()));
		return until != null && record.offset() <= until;
	}

	/** For each partition: the offset after its last record in the transaction. */
	private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<Outcome> outcomes) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
		for (Outcome outcome : outcomes) {
			ConsumerRecord<Object, Object> record = outcome.record();
			offsets.merge(new TopicPartition(record.topic(), record.partition()),
					new OffsetAndMetadata(record.offset() + 1), (a, b) -> (a.offset() >= b.offset()) ? a : b);
		}
		return offsets;
	}

	private static boolean refusedForGood(@Nullable Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = (cause.getCause() != cause) ? cause.getCause()
				: null) {
			Throwable current = cause;
			if (REFUSED_FOR_GOOD.stream().anyMatch((type) -> type.isInstance(current))) {
				return true;
			}
		}
		return false;
	}

	private static Exception asException(Throwable cause) {
		return (cause instanceof Exception exception) ? exception : new IllegalStateException(cause);
	}

	/** The listener's own exception, not the container's wrapper around it. */
	private static Exception unwrap(RuntimeException exception) {
		if (exception instanceof ListenerExecutionFailedException && exception.getCause() instanceof Exception cause) {
			return cause;
		}
		return exception;
	}

	static String rootMessage(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

	private static Duration max(Duration a, Duration b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	/**
	 * What became of one record: its outputs, or its failure and where it goes.
	 *
	 * @param record the record
	 * @param outputs what its handling published, sent with it
	 * @param failure why it failed, or {@code null}
	 * @param destination the retry or dead-letter topic it goes to after failing
	 * @param span the record's own span, the parent of its outputs
	 */
	private record Outcome(ConsumerRecord<Object, Object> record, List<ProducerRecord<Object, Object>> outputs,
			@Nullable Exception failure, @Nullable String destination, Span span) {
	}

	/** A record's place in its topic. */
	record RecordId(String topic, int partition, long offset) {

		static RecordId of(ConsumerRecord<?, ?> record) {
			return new RecordId(record.topic(), record.partition(), record.offset());
		}

		@Override
		public String toString() {
			return this.topic + "-" + this.partition + "@" + this.offset;
		}

	}

	/**
	 * The records of one poll and how far they are handled; lives on the consumer thread
	 * for one call.
	 */
	private static final class Poll {

		private final List<Message<?>> messages;

		private final List<ConsumerRecord<Object, Object>> records;

		private final @Nullable Acknowledgment ack;

		private final Consumer<?, ?> consumer;

		private final Callback<Object, Object> callback;

		private int next;

		/** Deliveries of the current record so far, for in-place retries. */
		private int attempt = 1;

		private @Nullable BackOffExecution backOff;

		private long retryAt;

		private final long started = System.nanoTime();

		Poll(List<Message<?>> messages, List<ConsumerRecord<Object, Object>> records, @Nullable Acknowledgment ack,
				Consumer<?, ?> consumer, Callback<Object, Object> callback) {
			this.messages = messages;
			this.records = records;
			this.ack = ack;
			this.consumer = consumer;
			this.callback = callback;
		}

		boolean hasNext() {
			return this.next < this.records.size();
		}

		ConsumerRecord<Object, Object> current() {
			return this.records.get(this.next);
		}

		void invoke(ConsumerRecord<Object, Object> record) {
			this.callback.invoke(record, this.ack, this.consumer, this.messages.get(this.next));
		}

		void advance() {
			this.next++;
			this.attempt = 1;
			this.backOff = null;
			this.retryAt = 0;
		}

		int attempt() {
			return this.attempt;
		}

		/**
		 * Counts a failed attempt of the current record; returns the wait before the
		 * next.
		 */
		Duration retryLater(BackOff policy) {
			if (this.backOff == null) {
				this.backOff = policy.start();
			}
			long wait = Math.max(0, this.backOff.nextBackOff());
			this.attempt++;
			this.retryAt = System.nanoTime() + Duration.ofMillis(wait).toNanos();
			return Duration.ofMillis(wait);
		}

		Duration untilRetry() {
			long wait = this.retryAt - System.nanoTime();
			return (this.retryAt == 0 || wait <= 0) ? Duration.ZERO : Duration.ofNanos(wait);
		}

		Consumer<?, ?> consumer() {
			return this.consumer;
		}

		Duration age() {
			return Duration.ofNanos(System.nanoTime() - this.started);
		}

		/**
		 * Sets each partition back to its first record not handled yet: everything before
		 * it is committed, so the next poll goes on from there.
		 */
		void handBackTheRest() {
			Map<TopicPartition, Long> first = new HashMap<>();
			for (ConsumerRecord<Object, Object> record : this.records.subList(this.next, this.records.size())) {
				first.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
			}
			first.forEach(this.consumer::seek);
		}

		Set<TopicPartition> partitions() {
			Set<TopicPartition> partitions = new LinkedHashSet<>();
			this.records.forEach((record) -> partitions.add(new TopicPartition(record.topic(), record.partition())));
			return partitions;
		}

	}

	/** A transaction that did not commit, with the records it held. */
	private static final class RolledBack extends Exception {

		private final transient List<Outcome> outcomes;

		private final transient @Nullable ConsumerRecord<Object, Object> culprit;

		RolledBack(List<Outcome> outcomes, Throwable cause, @Nullable ConsumerRecord<Object, Object> culprit) {
			super(cause);
			this.outcomes = outcomes;
			this.culprit = culprit;
		}

	}

	/** The client refused a record's output for good; carried out of the transaction. */
	private static final class RecordRefused extends RuntimeException {

		private final transient ConsumerRecord<Object, Object> record;

		RecordRefused(ConsumerRecord<Object, Object> record, Throwable cause) {
			super(cause);
			this.record = record;
		}

	}

}
