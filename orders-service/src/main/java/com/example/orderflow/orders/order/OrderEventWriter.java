package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.tracing.TraceHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

/**
 * Group commit: the events of every request waiting at that moment go to {@code orders}
 * in one Kafka transaction, and each request is answered when that transaction has
 * committed and its records are visible to {@code read_committed} readers: when this
 * instance's own such reader, the {@link OrderLog}, has read past them. A transaction
 * costs the cluster the same for one record as for hundreds, so under load the API takes
 * many orders per commit instead of one; alone, a request is a batch of one. A batch
 * commits or aborts as a whole, so a request answered with an error left nothing behind,
 * as before.
 * <p>
 * A few writers (each its own transactional producer) commit side by side, so a request
 * never waits for more than the batch ahead of it. A request still queued when the API
 * gives up on it is taken out of the queue, so a 503 is never followed by its event.
 * <p>
 * The queue is bounded ({@code orderflow.orders.writer.max-queued}): an event that finds
 * it full is refused at once, nothing written, and its request answered 503 with a
 * {@code Retry-After}. Offered more orders than the cluster commits, the API keeps taking
 * what it can commit, each answered within a few transactions' time, and tells the rest
 * to come back, instead of queueing every request until all of them wait longer than any
 * client does (at 600 orders/s offered on the 2-core machine, with the excess queued
 * unseen inside the web server, the API answered 9,092 of 24,000 requests in 40 s, most
 * of them after their clients had given up).
 * <p>
 * The wait for visibility runs beside the writers, not on them: a partition's records
 * become visible only once every transaction open on it before them has ended, and while
 * a broker fails over another writer's transaction can stay open for seconds. A writer
 * that waited for that would stop taking requests, and the queue would time out orders
 * that the cluster was ready to take.
 */
@Component
class OrderEventWriter implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OrderEventWriter.class);

	private static final Duration POLL = Duration.ofMillis(200);

	private final KafkaOperations<String, Object> kafka;

	private final OrdersProperties.Writer settings;

	private final DistributionSummary batchSizes;

	private final KafkaAdmin admin;

	private final BeforeCommit beforeCommit;

	private final OrderLog log;

	private final OrderOwnership ownership;

	private final BlockingQueue<Pending> queue;

	private final Counter refusedFull;

	private final Stages stages;

	private final Tracer tracer;

	private final Propagator propagator;

	private final List<Thread> writers = new ArrayList<>();

	private ExecutorService visibility;

	/** Takes an event out of the queue when its time there is up. */
	private ScheduledThreadPoolExecutor queueTimeouts;

	private volatile boolean running;

	private CommitOutcomes outcomes;

	OrderEventWriter(KafkaOperations<String, Object> kafka, KafkaAdmin admin, OrderLog log, OrderOwnership ownership,
			OrdersProperties properties, MeterRegistry meters, ObjectProvider<BeforeCommit> beforeCommit, Tracer tracer,
			Propagator propagator) {
		this.kafka = kafka;
		this.admin = admin;
		this.log = log;
		this.ownership = ownership;
		this.settings = properties.writer();
		this.queue = new LinkedBlockingQueue<>(this.settings.maxQueued());
		this.refusedFull = Counter.builder("orderflow.orders.events.refused")
			.description("Order events refused at once because the queue for a transaction was full")
			.register(meters);
		this.batchSizes = DistributionSummary.builder("orderflow.orders.events.per.transaction")
			.description("Order events committed together in one Kafka transaction (group commit)")
			.register(meters);
		Gauge.builder("orderflow.orders.events.queued", this.queue, BlockingQueue::size)
			.description("Order events waiting for a transaction to take them")
			.register(meters);
		this.stages = new Stages(meters);
		this.beforeCommit = beforeCommit.getIfAvailable(() -> BeforeCommit.NOTHING);
		this.tracer = tracer;
		this.propagator = propagator;
	}

	/**
	 * Queues an event for the next transaction. No thread waits for the answer.
	 * @return completes when the transaction with the event has committed; exceptionally
	 * when it has not, when the queue was full, or when no transaction took the event
	 * within {@code queue-timeout} (then it was taken back and is never written)
	 */
	CompletableFuture<Void> write(OrderEvent event) {
		// The request's trace context: the writer thread that sends the event serves
		// many requests at once.
		Pending pending = new Pending(event, new CompletableFuture<>(), System.nanoTime(),
				this.tracer.currentTraceContext().context());
		if (!this.running) {
			pending.done().completeExceptionally(new IllegalStateException("The orders writer is not running"));
			return pending.done();
		}
		if (!this.queue.offer(pending)) {
			this.refusedFull.increment();
			pending.done()
				.completeExceptionally(new IllegalStateException(
						"%d order events are already waiting for a transaction (orderflow.orders.writer.max-queued)"
							.formatted(this.settings.maxQueued())));
			return pending.done();
		}
		ScheduledFuture<?> timeout = this.queueTimeouts.schedule(() -> withdraw(pending),
				this.settings.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
		pending.done().whenComplete((ignored, failure) -> timeout.cancel(false));
		return pending.done();
	}

	/**
	 * Takes a pending event back if no transaction has taken it yet; one that a
	 * transaction has is answered by that transaction's outcome.
	 */
	private void withdraw(Pending pending) {
		if (this.queue.remove(pending)) {
			pending.done()
				.completeExceptionally(
						new IllegalStateException("no transaction took it within " + this.settings.queueTimeout()));
		}
	}

	private void writeBatches() {
		while (this.running || !this.queue.isEmpty()) {
			try {
				Pending first = this.queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				// A new list each time: the answers of the last one may still be waiting.
				List<Pending> batch = new ArrayList<>();
				batch.add(first);
				this.queue.drainTo(batch, this.settings.maxBatch() - 1);
				long taken = System.nanoTime();
				batch.forEach(
						(pending) -> this.stages.queued().record(taken - pending.queuedAt(), TimeUnit.NANOSECONDS));
				commit(batch);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Error ex) {
				// Out of memory, say: the batch was answered, and the requests queued
				// behind it still need a writer.
				logger.error("A transaction of order events failed", ex);
			}
		}
	}

	private void commit(List<Pending> taken) {
		AtomicReference<Map<TopicPartition, CommitOutcomes.Written>> written = new AtomicReference<>();
		long started = System.nanoTime();
		long[] sent = new long[1];
		List<Pending> batch;
		try {
			batch = writeOwned(taken, written, sent);
		}
		catch (RuntimeException ex) {
			failed(taken, written.get(), ex);
			return;
		}
		catch (Error ex) {
			// Never leave a request without an answer.
			failed(taken, written.get(), new IllegalStateException("The transaction failed: " + ex, ex));
			throw ex;
		}
		if (batch.isEmpty()) {
			return;
		}
		long committed = System.nanoTime();
		this.stages.sent().record(sent[0] - started, TimeUnit.NANOSECONDS);
		this.stages.committed().record(committed - sent[0], TimeUnit.NANOSECONDS);
		this.batchSizes.record(batch.size());
		Map<TopicPartition, Long> highest = highest(written.get());
		this.visibility.execute(() -> answerWhenVisible(batch, highest, committed));
	}

	/**
	 * Writes the events of the partitions this instance owns in one transaction, and
	 * holds on to them meanwhile: a rebalance that takes them away waits until it has
	 * ended (see {@link OrderOwnership}). A failure's answer, which may read the log for
	 * a while, is given after that.
	 * @return the events written
	 */
	private List<Pending> writeOwned(List<Pending> taken,
			AtomicReference<Map<TopicPartition, CommitOutcomes.Written>> written, long[] sent) {
		Lock transaction = this.ownership.transaction();
		transaction.lock();
		try {
			List<Pending> batch = owned(taken);
			if (batch.isEmpty()) {
				return batch;
			}
			ConsumerGroupMetadata generation = this.ownership.generation();
			Map<TopicPartition, OffsetAndMetadata> read = read(batch);
			this.kafka.executeInTransaction((operations) -> {
				try {
					List<CompletableFuture<SendResult<String, Object>>> sends = new ArrayList<>(batch.size());
					for (Pending pending : batch) {
						sends.add(send(operations, pending));
					}
					// While the records travel: the ownership group's offsets of these
					// partitions (how far this owner's book has read them). The group
					// coordinator refuses them, and so the transaction, if the group has
					// given the partitions to another instance since. Sent after the
					// records were acknowledged, they cost every transaction one more
					// round trip.
					operations.sendOffsetsToTransaction(read, generation);
					// Any failed send aborts the whole transaction: none of the batch is
					// visible.
					CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
					sent[0] = System.nanoTime();
					written.set(offsets(sends));
					this.beforeCommit.run(batch.stream().map(Pending::event).toList());
					return null;
				}
				catch (RuntimeException ex) {
					refuse(batch, ex);
					throw ex;
				}
			});
			return batch;
		}
		finally {
			transaction.unlock();
		}
	}

	private void answerWhenVisible(List<Pending> batch, Map<TopicPartition, Long> highest, long committed) {
		Map<Integer, Long> past = new HashMap<>();
		highest.forEach((partition, offset) -> past.put(partition.partition(), offset + 1));
		try {
			if (this.log.awaitRead(past, this.settings.visibleWithin())) {
				this.stages.visible().record(System.nanoTime() - committed, TimeUnit.NANOSECONDS);
			}
			else {
				// Committed: it will be visible once the cluster writes the markers. A
				// 503 now would refuse an order that is kept.
				logger.warn("Committed {} order events, not read back as a read_committed reader within {}: {}",
						batch.size(), this.settings.visibleWithin(), past);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		batch.forEach((pending) -> pending.done().complete(null));
	}

	/**
	 * A transaction that did not commit on the client. If every send was acknowledged,
	 * the commit itself failed and may still have been taken: the log tells what became
	 * of it before anyone is answered, so a request is never refused for an order that is
	 * kept.
	 */
	private void failed(List<Pending> batch, Map<TopicPartition, CommitOutcomes.Written> written,
			RuntimeException failure) {
		if (written == null) {
			// Refused already if it failed inside the transaction (refuse): then this
			// answers only what was queued during the abort.
			refuse(batch, failure);
			return;
		}
		CommitOutcomes.Outcome outcome;
		try {
			outcome = this.outcomes.outcome(written, this.settings.outcomeWithin());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			outcome = CommitOutcomes.Outcome.UNKNOWN;
		}
		logger.warn("The commit of {} order events failed ({}); the log says: {}", batch.size(), failure.getMessage(),
				outcome);
		switch (outcome) {
			case COMMITTED -> {
				this.batchSizes.record(batch.size());
				batch.forEach((pending) -> pending.done().complete(null));
			}
			case ABORTED -> {
				batch.forEach((pending) -> pending.done().completeExceptionally(failure));
				refuseQueued(failure);
			}
			case UNKNOWN -> {
				// Whatever the cluster decides, the book reads it before anyone decides
				// about these orders again: a retry never writes one a second time.
				this.log.unsettled(highest(written));
				OutcomeUnknownException unknown = new OutcomeUnknownException(
						"The cluster did not settle the transaction within " + this.settings.outcomeWithin()
								+ ": it may still commit these orders",
						failure);
				batch.forEach((pending) -> pending.done().completeExceptionally(unknown));
				refuseQueued(failure);
			}
		}
	}

	/**
	 * A transaction that failed before its commit was asked for: it is aborted (by the
	 * template as this exception leaves the callback, or, if the cluster cannot take the
	 * abort now, by its coordinator once {@code transaction.timeout.ms} has passed, or by
	 * the next producer with its transactional id), so none of its orders is ever
	 * visible. Its requests, and those queued behind it, are answered now: after the
	 * abort, which waits up to {@code max.block.ms} for a cluster that is down, a 503
	 * came after 24 s instead of 12.
	 */
	private void refuse(List<Pending> batch, RuntimeException failure) {
		batch.forEach((pending) -> pending.done().completeExceptionally(failure));
		refuseQueued(failure);
	}

	/**
	 * The cluster just failed a transaction after the producer's own time-outs: it is not
	 * taking orders now, and every request still queued would wait for a transaction that
	 * fails the same way. They are answered at once, never written (no transaction took
	 * them), instead of each waiting out the queue time-out or a failure of its own. A
	 * broker failover that the transaction rides out fails nothing and refuses nobody.
	 */
	private void refuseQueued(RuntimeException failure) {
		List<Pending> queued = new ArrayList<>();
		this.queue.drainTo(queued);
		if (!queued.isEmpty()) {
			logger.warn("Refused {} queued order events: the transaction ahead of them failed ({})", queued.size(),
					failure.getMessage());
			queued.forEach((pending) -> pending.done().completeExceptionally(failure));
		}
	}

	/**
	 * The events of partitions this instance owns; the others are answered at once (a
	 * rebalance gave their partitions away while they were queued), never written.
	 */
	private List<Pending> owned(List<Pending> taken) {
		List<Pending> owned = new ArrayList<>(taken.size());
		for (Pending pending : taken) {
			int partition = this.log.partitionOf(pending.event().orderId());
			if (this.ownership.owns(partition)) {
				owned.add(pending);
			}
			else {
				pending.done()
					.completeExceptionally(new IllegalStateException("partition " + partition + " of " + Topics.ORDERS
							+ " moved to another instance before the event was written"));
			}
		}
		return owned;
	}

	/** How far the book has read each partition the batch writes to. */
	private Map<TopicPartition, OffsetAndMetadata> read(List<Pending> batch) {
		Map<TopicPartition, OffsetAndMetadata> read = new HashMap<>();
		for (Pending pending : batch) {
			int partition = this.log.partitionOf(pending.event().orderId());
			read.computeIfAbsent(new TopicPartition(Topics.ORDERS, partition),
					(key) -> new OffsetAndMetadata(this.log.position(partition)));
		}
		return read;
	}

	private static Map<TopicPartition, CommitOutcomes.Written> offsets(
			List<CompletableFuture<SendResult<String, Object>>> sends) {
		Map<TopicPartition, CommitOutcomes.Written> offsets = new LinkedHashMap<>();
		for (CompletableFuture<SendResult<String, Object>> send : sends) {
			RecordMetadata record = send.join().getRecordMetadata();
			offsets.merge(new TopicPartition(record.topic(), record.partition()),
					new CommitOutcomes.Written(record.offset(), record.offset()), (a, b) -> a.including(b.lowest()));
		}
		return offsets;
	}

	private static Map<TopicPartition, Long> highest(Map<TopicPartition, CommitOutcomes.Written> written) {
		Map<TopicPartition, Long> highest = new HashMap<>();
		written.forEach((partition, offsets) -> highest.put(partition, offsets.highest()));
		return highest;
	}

	@Override
	public void start() {
		this.outcomes = new CommitOutcomes(this.admin.getConfigurationProperties());
		AtomicInteger waiters = new AtomicInteger();
		this.visibility = Executors.newCachedThreadPool((task) -> {
			Thread waiter = new Thread(task, "orders-visibility-" + waiters.incrementAndGet());
			waiter.setDaemon(true);
			return waiter;
		});
		this.queueTimeouts = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "orders-queue-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		this.queueTimeouts.setRemoveOnCancelPolicy(true);
		this.running = true;
		for (int i = 1; i <= this.settings.writers(); i++) {
			Thread writer = new Thread(this::writeBatches, "orders-writer-" + i);
			writer.setDaemon(true);
			writer.start();
			this.writers.add(writer);
		}
		logger.info("{} writer(s) commit order events in batches of up to {}; at most {} wait for a transaction",
				this.settings.writers(), this.settings.maxBatch(), this.settings.maxQueued());
	}

	/**
	 * Commits what is queued, then stops: after the web server has answered its last
	 * request.
	 */
	@Override
	public void stop() {
		this.running = false;
		for (Thread writer : this.writers) {
			try {
				writer.join(Duration.ofSeconds(30).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.writers.clear();
		this.queueTimeouts.shutdownNow();
		this.visibility.shutdown();
		try {
			this.visibility.awaitTermination(this.settings.visibleWithin().toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.outcomes.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Started before and stopped after the web server (whose phases are higher). */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * Sends one request's event in the open transaction, in a span of its own under the
	 * request's: its {@code traceparent} goes with the record to every group.
	 */
	private CompletableFuture<SendResult<String, Object>> send(KafkaOperations<String, Object> operations,
			Pending pending) {
		OrderEvent event = pending.event();
		Span.Builder builder = this.tracer.spanBuilder();
		if (pending.trace() != null) {
			builder.setParent(pending.trace());
		}
		Span span = builder.name(Topics.ORDERS + " send")
			.kind(Span.Kind.PRODUCER)
			.tag("messaging.system", "kafka")
			.tag("messaging.operation.type", "send")
			.tag("messaging.destination.name", Topics.ORDERS)
			.tag("orderId", event.orderId().toString())
			.start();
		ProducerRecord<String, Object> record = new ProducerRecord<>(Topics.ORDERS, event.orderId().toString(), event);
		TraceHeaders.inject(this.propagator, span.context(), record.headers());
		CompletableFuture<SendResult<String, Object>> sent = operations.send(record);
		sent.whenComplete((result, failure) -> {
			if (failure != null) {
				span.error(failure);
			}
			span.end();
		});
		return sent;
	}

	/**
	 * One request's event and its answer.
	 *
	 * @param trace the request's trace context, if it is traced
	 */
	record Pending(OrderEvent event, CompletableFuture<Void> done, long queuedAt, @Nullable TraceContext trace) {
	}

	/**
	 * Where an order's wait for its 201 goes, one timer per stage
	 * ({@code orderflow_orders_events_write_seconds{stage}}): in the queue until a writer
	 * takes it (per event), the transaction's sends until every partition leader and the
	 * group coordinator acknowledged them, its commit, and the commit until the
	 * {@link OrderLog} has read the records (per transaction).
	 */
	private record Stages(Timer queued, Timer sent, Timer committed, Timer visible) {

		Stages(MeterRegistry meters) {
			this(stage(meters, "queued"), stage(meters, "sent"), stage(meters, "committed"), stage(meters, "visible"));
		}

		private static Timer stage(MeterRegistry meters, String stage) {
			return Timer.builder("orderflow.orders.events.write")
				.description("Where an order waits for its 201: queued (per event), then sent, committed, visible (per"
						+ " transaction)")
				.tag("stage", stage)
				.register(meters);
		}

	}

}
