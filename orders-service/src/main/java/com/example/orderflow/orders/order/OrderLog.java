package com.example.orderflow.orders.order;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * Reads {@code orders}, the system of record, into the {@link OrderBook}: from its first
 * record at start, then every record as it is committed, as a {@code read_committed}
 * reader of every partition. So the book holds every order the topic still keeps, after
 * any restart and whichever instance wrote it.
 * <p>
 * A decision about an order (is this {@code Idempotency-Key} new? is it cancelled
 * already?) is only as good as what the book has read of the order's partition, so it
 * waits ({@link #awaitSettled}) until the book has read past every write on that
 * partition whose outcome was open when the decision began:
 * <ul>
 * <li>at start, everything up to the partition's high watermark as it was then: a
 * transaction that an earlier run left open (killed between its commit and its markers,
 * say) is settled and read before the instance takes any order, so a retry cannot write
 * the order a second time;</li>
 * <li>after a commit that failed on the client with its outcome unknown
 * ({@link #unsettled}), the records that transaction wrote: until the cluster has
 * committed or aborted it, a retry waits, then finds the order or writes it anew.</li>
 * </ul>
 * Anything else on the partition is this instance's own writing and already in the book
 * when it is answered.
 */
@Component
@Order(1)
class OrderLog implements SmartLifecycle, ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(OrderLog.class);

	private static final Duration POLL = Duration.ofMillis(100);

	private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(500);

	private final OrderBook book;

	private final ConsumerFactory<String, Object> consumers;

	private final KafkaAdmin kafkaAdmin;

	/** Guards the positions and what must be read; waiters wait on it. */
	private final Object progress = new Object();

	/** The next offset the book reads, per partition; empty until the log is open. */
	private final Map<Integer, Long> read = new HashMap<>();

	/** Per partition, the offset the book must read past before a decision is sound. */
	private final Map<Integer, Long> mustPass = new HashMap<>();

	private volatile int partitions;

	private volatile boolean running;

	private @Nullable Thread reader;

	private @Nullable Consumer<String, Object> consumer;

	private final Duration readBeforeReady;

	OrderLog(OrderBook book, ConsumerFactory<String, Object> consumers, KafkaAdmin kafkaAdmin,
			OrdersProperties properties, MeterRegistry meters) {
		this.book = book;
		this.consumers = consumers;
		this.kafkaAdmin = kafkaAdmin;
		this.readBeforeReady = properties.readBeforeReady();
		Gauge.builder("orderflow.orders.book.orders", book, OrderBook::size)
			.description("Orders in this instance's book: every order that orders still keeps")
			.register(meters);
	}

	/**
	 * The instance reports ready only once the book has read {@code orders} (runners
	 * finish before Boot reports readiness), so a load balancer sends it nothing it would
	 * have to wait for. If the cluster stays unreachable it reports ready anyway, and
	 * answers 503 itself.
	 */
	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		if (!Monitors.await(this.progress, this::loaded, this.readBeforeReady)) {
			logger.warn("{} not read within {}; ready anyway, orders get 503 until it is", Topics.ORDERS,
					this.readBeforeReady);
		}
	}

	/**
	 * The partition of {@code orders} that holds an order's events: the one Kafka's
	 * default partitioner picks for its key.
	 * @throws IllegalStateException before the log is open (the cluster not reached yet)
	 */
	int partitionOf(UUID orderId) {
		int count = this.partitions;
		if (count == 0) {
			throw new IllegalStateException("The orders log is not open yet");
		}
		return Utils.toPositive(Utils.murmur2(orderId.toString().getBytes(StandardCharsets.UTF_8))) % count;
	}

	/**
	 * Returns once the book has read the order's partition past every write whose outcome
	 * was open when this was called: at once, unless the instance has just started or a
	 * commit on that partition ended with its outcome unknown.
	 * @return whether it did within the time given
	 */
	boolean awaitSettled(UUID orderId, Duration within) throws InterruptedException {
		return Monitors.await(this.progress, () -> this.partitions > 0 && passed(partitionOf(orderId)), within);
	}

	/**
	 * Waits until the log is open, so that {@link #partitionOf} answers.
	 * @return whether it is, within the time given
	 */
	boolean awaitOpen(Duration within) throws InterruptedException {
		return Monitors.await(this.progress, () -> this.partitions > 0, within);
	}

	/**
	 * Waits until the book has read each partition up to the given offset.
	 * @return whether it did within the time given
	 */
	boolean awaitRead(Map<Integer, Long> offsets, Duration within) throws InterruptedException {
		return Monitors.await(this.progress,
				() -> offsets.entrySet()
					.stream()
					.allMatch((each) -> this.read.getOrDefault(each.getKey(), -1L) >= each.getValue()),
				within);
	}

	/**
	 * How far the book has read a partition: the next offset it reads there, 0 before it
	 * has read any.
	 */
	long position(int partition) {
		synchronized (this.progress) {
			return this.read.getOrDefault(partition, 0L);
		}
	}

	/**
	 * Writes whose transaction's outcome is not known yet: decisions on their partitions
	 * wait until the book has read past them.
	 * @param highest the highest offset written, per partition
	 */
	void unsettled(Map<TopicPartition, Long> highest) {
		synchronized (this.progress) {
			highest.forEach((partition, offset) -> this.mustPass.merge(partition.partition(), offset + 1, Math::max));
		}
	}

	/** Whether the book has read everything it had to at start. */
	boolean loaded() {
		synchronized (this.progress) {
			return this.partitions > 0 && IntStream.range(0, this.partitions).allMatch(this::passed);
		}
	}

	private boolean passed(int partition) {
		Long position = this.read.get(partition);
		return position != null && position >= this.mustPass.getOrDefault(partition, 0L);
	}

	private void readForever() {
		long started = System.nanoTime();
		boolean announced = false;
		while (this.running) {
			try {
				Consumer<String, Object> consumer = this.consumer;
				if (this.partitions == 0) {
					open(consumer);
				}
				for (ConsumerRecord<String, Object> record : consumer.poll(POLL)) {
					if (record.value() instanceof OrderEvent event) {
						this.book.apply(event);
					}
					else {
						logger.warn("Skipped {}-{}@{}: not an order event", record.topic(), record.partition(),
								record.offset());
					}
				}
				advance(consumer);
				if (!announced && loaded()) {
					announced = true;
					logger.info("Read {} orders from {} in {} ms", this.book.size(), Topics.ORDERS,
							Duration.ofNanos(System.nanoTime() - started).toMillis());
				}
			}
			catch (WakeupException ex) {
				return;
			}
			catch (KafkaException ex) {
				logger.warn("Reading {} failed, trying again: {}", Topics.ORDERS, ex.getMessage());
				pause();
			}
		}
	}

	/**
	 * Assigns every partition from the start and notes how far the book must read before
	 * it answers anything: each partition's high watermark, so that a transaction still
	 * open there is settled first.
	 */
	private void open(Consumer<String, Object> consumer) {
		List<PartitionInfo> infos = consumer.partitionsFor(Topics.ORDERS, Duration.ofSeconds(10));
		if (infos == null || infos.isEmpty()) {
			throw new KafkaException("No partitions of " + Topics.ORDERS + " yet");
		}
		List<TopicPartition> all = infos.stream()
			.map((info) -> new TopicPartition(info.topic(), info.partition()))
			.toList();
		Map<TopicPartition, Long> highWatermarks = highWatermarks(all);
		consumer.assign(all);
		consumer.seekToBeginning(all);
		synchronized (this.progress) {
			highWatermarks
				.forEach((partition, offset) -> this.mustPass.merge(partition.partition(), offset, Math::max));
			this.partitions = all.size();
			this.progress.notifyAll();
		}
		logger.info("Reading {} ({} partitions) up to {} before taking orders", Topics.ORDERS, all.size(),
				highWatermarks.values().stream().mapToLong(Long::longValue).sum());
	}

	private Map<TopicPartition, Long> highWatermarks(Collection<TopicPartition> partitions) {
		try (Admin admin = Admin.create(this.kafkaAdmin.getConfigurationProperties())) {
			Map<TopicPartition, ListOffsetsResultInfo> latest = admin
				.listOffsets(
						partitions.stream().collect(Collectors.toMap(Function.identity(), (p) -> OffsetSpec.latest())),
						new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
				.all()
				.get(10, TimeUnit.SECONDS);
			Map<TopicPartition, Long> offsets = new HashMap<>();
			latest.forEach((partition, info) -> offsets.put(partition, info.offset()));
			return offsets;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new WakeupException();
		}
		catch (Exception ex) {
			throw new KafkaException("Could not read the high watermarks of " + Topics.ORDERS, ex);
		}
	}

	private void advance(Consumer<String, Object> consumer) {
		Map<Integer, Long> positions = new HashMap<>();
		for (TopicPartition partition : consumer.assignment()) {
			positions.put(partition.partition(), consumer.position(partition));
		}
		synchronized (this.progress) {
			this.read.putAll(positions);
			this.progress.notifyAll();
		}
	}

	private void pause() {
		try {
			Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	@Override
	public void start() {
		Properties readCommitted = new Properties();
		readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		readCommitted.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		this.consumer = this.consumers.createConsumer(null, "orders-log", null, readCommitted);
		this.running = true;
		Thread thread = new Thread(this::readForever, "orders-log");
		thread.setDaemon(true);
		thread.start();
		this.reader = thread;
	}

	@Override
	public void stop() {
		this.running = false;
		Consumer<String, Object> consumer = this.consumer;
		Thread thread = this.reader;
		if (consumer == null || thread == null) {
			return;
		}
		ConsumerThreads.stop(consumer, thread);
		this.reader = null;
		this.consumer = null;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Reads before the writer and the web server take anything. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 8192;
	}

}
