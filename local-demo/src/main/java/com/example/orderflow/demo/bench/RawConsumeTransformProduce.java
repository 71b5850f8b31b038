package com.example.orderflow.demo.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The consumer services' shape in plain Kafka clients, on the bench's cluster: one group
 * for each consumer group of the system, each reading the same orders-like topic (real
 * OrderCreated values) and writing one output of about 300 B per record to a topic of its
 * own, the outputs and the records' offsets in one transaction per poll (read_committed;
 * EOS v2: the offsets go with the consumer's group metadata). All groups run at once, as
 * the services do. It is the ceiling of what batching can give the services on this
 * machine: no Spring, no JSON, no per-record decisions.
 * <p>
 * Each group keeps one consumer and one transactional producer from pass to pass, so the
 * second pass over a backlog runs on warm clients, and the first pays for what a cold
 * start pays: joining the group, finding the coordinators, initialising transactions.
 */
final class RawConsumeTransformProduce implements AutoCloseable {

	static final String INPUT_TOPIC = "bench-ctp-orders";

	/** About the size of the services' outputs (an invoice, a shipment as JSON). */
	static final int OUTPUT_BYTES = 300;

	/** At most as many records per transaction as the services' default bound. */
	static final int RECORDS_PER_TRANSACTION = 500;

	private static final Duration POLL = Duration.ofMillis(100);

	private final String bootstrapServers;

	private final Consumer<String> progress;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<GroupLoop> loops = new ArrayList<>();

	private final ExecutorService pool;

	/**
	 * Records written to the input so far: each group is done when it handled them all.
	 */
	private long written;

	RawConsumeTransformProduce(String bootstrapServers, Consumer<String> progress) {
		this.bootstrapServers = bootstrapServers;
		this.progress = progress;
		for (String group : ConsumerGroups.ALL) {
			this.loops.add(new GroupLoop(group));
		}
		this.pool = Executors.newFixedThreadPool(this.loops.size(), (task) -> {
			Thread thread = new Thread(task, "bench-ctp");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** The topic one group writes its outputs to. */
	static String outputTopic(String group) {
		return "bench-ctp-" + group;
	}

	/** The input and one output per group: 6 partitions, RF 3, as the main topics. */
	void createTopics() {
		List<String> topics = new ArrayList<>();
		topics.add(INPUT_TOPIC);
		ConsumerGroups.ALL.forEach((group) -> topics.add(outputTopic(group)));
		RawBaseline.createTopics(this.bootstrapServers, topics, Topics.PARTITIONS, this.progress);
	}

	/**
	 * A backlog: {@code records} keyed records with the given value and headers, written
	 * by an idempotent acks=all producer before any group reads them. The groups are
	 * given what the input really holds, counted from its end offsets (no transaction
	 * markers on it), so a record the producer failed to write cannot hold a pass up
	 * until its time limit.
	 */
	void fill(byte[] value, List<Header> headers, int records) {
		long started = System.nanoTime();
		AtomicInteger failed = new AtomicInteger();
		AtomicReference<Exception> failure = new AtomicReference<>();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
				RawBaseline.producerConfiguration(this.bootstrapServers), new StringSerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < records; i++) {
				producer.send(RawBaseline.record(INPUT_TOPIC, value, headers), (metadata, exception) -> {
					if (exception != null) {
						failed.incrementAndGet();
						failure.compareAndSet(null, exception);
					}
				});
			}
			producer.flush();
		}
		long before = this.written;
		this.written = inputEnd();
		this.progress.accept("a backlog of %d records on %s in %.1f s%s"
			.formatted(this.written - before, INPUT_TOPIC, (System.nanoTime() - started) / 1e9, (failed.get() == 0) ? ""
					: "; %d of %d sends failed, the first with %s".formatted(failed.get(), records, failure.get())));
	}

	/** Records on the input: the sum of its partitions' end offsets. */
	private long inputEnd() {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			return inputEnds(admin).values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
		}
	}

	private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> inputEnds(Admin admin) {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int p = 0; p < Topics.PARTITIONS; p++) {
			latest.put(new TopicPartition(INPUT_TOPIC, p), OffsetSpec.latest());
		}
		try {
			return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not read the end offsets of " + INPUT_TOPIC, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Every group at once, until each has handled all records written so far or the limit
	 * passes.
	 * @param name what the pass measures
	 * @param maxRecordsPerTransaction 1 for one transaction per record
	 * @param limit the longest the pass may take
	 */
	BenchResults.TransactionPass pass(String name, int maxRecordsPerTransaction, Duration limit) {
		this.progress.accept("%s: %d groups, at most %d records per transaction, for at most %d s".formatted(name,
				this.loops.size(), maxRecordsPerTransaction, limit.toSeconds()));
		long started = System.nanoTime();
		long deadline = started + limit.toNanos();
		List<Future<GroupLoop.Pass>> running = new ArrayList<>();
		for (GroupLoop loop : this.loops) {
			running.add(this.pool.submit(() -> loop.pass(this.written, maxRecordsPerTransaction, started, deadline)));
		}
		Map<String, Long> records = new LinkedHashMap<>();
		List<Double> transactionMs = new ArrayList<>();
		long transactions = 0;
		long aborted = 0;
		double seconds = 0;
		boolean complete = true;
		try {
			for (int i = 0; i < running.size(); i++) {
				GroupLoop.Pass pass = running.get(i).get(limit.toSeconds() + 120, TimeUnit.SECONDS);
				records.put(this.loops.get(i).group, pass.records());
				transactionMs.addAll(pass.transactionMs());
				transactions += pass.transactions();
				aborted += pass.aborted();
				complete &= pass.complete();
				seconds = Math.max(seconds, pass.seconds());
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The consume-transform-produce loop failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		long orders = records.values().stream().mapToLong(Long::longValue).min().orElse(0);
		BenchResults.TransactionPass pass = new BenchResults.TransactionPass(name, maxRecordsPerTransaction, orders,
				seconds, (seconds > 0) ? orders / seconds : 0, complete, transactions, aborted, records,
				Percentiles.of(transactionMs));
		this.progress.accept(("  %d orders through all %d groups in %.1f s: %.0f orders/s%s; %d transactions"
				+ " (%.1f records each, p50 %.1f p99 %.1f ms), %d aborted; records by group %s")
			.formatted(orders, this.loops.size(), seconds, pass.ordersPerSecond(),
					complete ? "" : " (time limit reached)", transactions, pass.recordsPerTransaction(),
					pass.transactionMs().p50(), pass.transactionMs().p99(), aborted, records));
		return pass;
	}

	/**
	 * Whether every group's committed offsets are at the input's end: true only if the
	 * offsets went into the groups' transactions and those committed.
	 */
	boolean offsetsCommittedToEnd() {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = inputEnds(admin);
			boolean atEnd = true;
			for (GroupLoop loop : this.loops) {
				// Stable: a transaction's offsets become the committed ones when its
				// markers are written, after commitTransaction has returned (transactions
				// v2); until then the coordinator answers UNSTABLE_OFFSET_COMMIT and the
				// admin client asks again.
				Map<TopicPartition, OffsetAndMetadata> committed = admin
					.listConsumerGroupOffsets(loop.groupId, new ListConsumerGroupOffsetsOptions().requireStable(true))
					.partitionsToOffsetAndMetadata()
					.get(30, TimeUnit.SECONDS);
				for (var end : ends.entrySet()) {
					OffsetAndMetadata offset = committed.get(end.getKey());
					if (offset == null || offset.offset() != end.getValue().offset()) {
						this.progress.accept("  %s: committed %s on %s, the end is %d".formatted(loop.groupId,
								(offset != null) ? offset.offset() : "nothing", end.getKey(), end.getValue().offset()));
						atEnd = false;
					}
				}
			}
			return atEnd;
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not read the groups' offsets", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** The group id that stands for one of the system's groups in this run. */
	String groupId(String group) {
		return this.loops.stream()
			.filter((loop) -> loop.group.equals(group))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No group " + group)).groupId;
	}

	@Override
	public void close() {
		this.pool.shutdownNow();
		this.loops.forEach(GroupLoop::close);
	}

	/**
	 * One group: its consumer and its transactional producer, used by one pass at a time.
	 */
	private final class GroupLoop {

		private final String group;

		private final String groupId;

		private final byte[] padding;

		private KafkaConsumer<String, byte[]> consumer;

		private KafkaProducer<String, byte[]> producer;

		private long handled;

		GroupLoop(String group) {
			this.group = group;
			this.groupId = "bench-ctp-" + group + "-" + RawConsumeTransformProduce.this.run;
			this.padding = new byte[OUTPUT_BYTES];
			Arrays.fill(this.padding, (byte) ' ');
		}

		/** Until every record written so far is handled, or the deadline. */
		Pass pass(long until, int maxRecordsPerTransaction, long started, long deadline) {
			if (this.consumer == null) {
				open();
			}
			long before = this.handled;
			long transactions = 0;
			long aborted = 0;
			List<Double> transactionMs = new ArrayList<>();
			while (this.handled < until && System.nanoTime() < deadline) {
				ConsumerRecords<String, byte[]> records = this.consumer.poll(POLL);
				List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
				records.forEach(polled::add);
				int from = 0;
				while (from < polled.size()) {
					if (maxRecordsPerTransaction == 1 && System.nanoTime() >= deadline) {
						rewind(polled.subList(from, polled.size()));
						break;
					}
					List<ConsumerRecord<String, byte[]>> chunk = polled.subList(from,
							Math.min(polled.size(), from + maxRecordsPerTransaction));
					long begun = System.nanoTime();
					if (commit(chunk)) {
						transactions++;
						transactionMs.add((System.nanoTime() - begun) / 1e6);
						this.handled += chunk.size();
						from += chunk.size();
					}
					else {
						// Nothing of it is visible: the records come again from the first
						// of each partition in it, and so does the rest of the poll.
						aborted++;
						rewind(polled.subList(from, polled.size()));
						break;
					}
				}
			}
			boolean complete = this.handled >= until;
			double seconds = (System.nanoTime() - started) / 1e9;
			return new Pass(this.handled - before, seconds, complete, transactions, aborted, transactionMs);
		}

		/** One transaction: an output per record, then the offsets, then the commit. */
		private boolean commit(List<ConsumerRecord<String, byte[]>> chunk) {
			Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
			try {
				this.producer.beginTransaction();
				for (ConsumerRecord<String, byte[]> record : chunk) {
					this.producer.send(new ProducerRecord<>(outputTopic(this.group), record.key(), output(record)));
					offsets.put(new TopicPartition(record.topic(), record.partition()),
							new OffsetAndMetadata(record.offset() + 1));
				}
				this.producer.sendOffsetsToTransaction(offsets, this.consumer.groupMetadata());
				this.producer.commitTransaction();
				return true;
			}
			catch (ProducerFencedException | AuthorizationException ex) {
				throw ex;
			}
			catch (KafkaException ex) {
				RawConsumeTransformProduce.this.progress
					.accept("  %s: transaction aborted: %s".formatted(this.groupId, ex));
				this.producer.abortTransaction();
				return false;
			}
		}

		/** The consumer goes back to the first record of each partition in these. */
		private void rewind(List<ConsumerRecord<String, byte[]>> unhandled) {
			Map<TopicPartition, Long> first = new HashMap<>();
			for (ConsumerRecord<String, byte[]> record : unhandled) {
				first.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min);
			}
			first.forEach(this.consumer::seek);
		}

		/** About 300 B, naming the input it answers, as the services' provenance does. */
		private byte[] output(ConsumerRecord<String, byte[]> record) {
			byte[] head = "{\"orderId\":\"%s\",\"input\":\"%s-%d@%d\",\"pad\":\""
				.formatted(record.key(), record.topic(), record.partition(), record.offset())
				.getBytes(StandardCharsets.UTF_8);
			byte[] value = this.padding.clone();
			System.arraycopy(head, 0, value, 0, Math.min(head.length, value.length - 2));
			value[value.length - 2] = '"';
			value[value.length - 1] = '}';
			return value;
		}

		private void open() {
			String bootstrap = RawConsumeTransformProduce.this.bootstrapServers;
			Map<String, Object> consumer = new HashMap<>();
			consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
			consumer.put(ConsumerConfig.GROUP_ID_CONFIG, this.groupId);
			consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, this.groupId);
			consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
			consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, RECORDS_PER_TRANSACTION);
			this.consumer = new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer());
			Map<String, Object> producer = RawBaseline.producerConfiguration(bootstrap);
			producer.putAll(RawBaseline.ORDERFLOW_PRODUCER);
			producer.put(ProducerConfig.CLIENT_ID_CONFIG, this.groupId);
			producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, this.groupId);
			this.producer = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
			this.producer.initTransactions();
			this.consumer.subscribe(List.of(INPUT_TOPIC));
		}

		void close() {
			if (this.producer != null) {
				this.producer.close(Duration.ofSeconds(5));
			}
			if (this.consumer != null) {
				this.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
		}

		/** What one group did in one pass. */
		private record Pass(long records, double seconds, boolean complete, long transactions, long aborted,
				List<Double> transactionMs) {
		}

	}

}
