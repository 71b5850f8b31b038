package com.example.orderflow.demo.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Raw Kafka on the same cluster: Kafka's own {@code ProducerPerformance} and
 * {@code EndToEndLatency} as child JVMs (the launcher's classpath, full JIT), and two
 * keyed producer loops in this JVM that send what the orders API sends (a real
 * OrderCreated's value and headers, keyed by a fresh orderId): one plain idempotent
 * acks=all, one with a transaction per record.
 */
final class RawBaseline {

	static final String RAW_TOPIC = "bench-raw";

	static final String END_TO_END_TOPIC = "bench-e2e";

	static final String KEYED_TOPIC = "bench-keyed";

	static final String TRANSACTIONAL_TOPIC = "bench-keyed-tx";

	static final int RECORD_SIZE = 500;

	private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(3);

	private static final Duration TOPICS_SERVED = Duration.ofSeconds(60);

	private final String bootstrapServers;

	private final Path logDirectory;

	private final Consumer<String> progress;

	RawBaseline(String bootstrapServers, Path logDirectory, Consumer<String> progress) {
		this.bootstrapServers = bootstrapServers;
		this.logDirectory = logDirectory;
		this.progress = progress;
	}

	/** Fresh topics like the main ones: 6 partitions, RF 3, min.insync.replicas 2. */
	void createTopics(int partitions) {
		createTopics(this.bootstrapServers, List.of(RAW_TOPIC, END_TO_END_TOPIC, KEYED_TOPIC, TRANSACTIONAL_TOPIC),
				partitions, this.progress);
	}

	/** Topics like the main ones: RF 3, min.insync.replicas 2. */
	static void createTopics(String bootstrapServers, List<String> names, int partitions, Consumer<String> progress) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			List<NewTopic> topics = names.stream()
				.map((name) -> new NewTopic(name, partitions, LocalCluster.REPLICATION_FACTOR)
					.configs(Map.of("min.insync.replicas", Integer.toString(LocalCluster.MIN_INSYNC_REPLICAS))))
				.toList();
			admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
			// Every partition's leader must know its partition before anything is
			// written: a producer's first request that reaches a leader too early fails
			// and is retried after a later one was taken, and then fails for good with
			// OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (KAFKA-15591, not
			// fixed in Kafka 4.1). Offsets are listed by each partition's leader.
			Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
			for (String name : names) {
				for (int p = 0; p < partitions; p++) {
					ends.put(new TopicPartition(name, p), OffsetSpec.latest());
				}
			}
			awaitServed(admin, ends);
			progress.accept("created %s (%d partitions, RF %d), every leader serves them"
				.formatted(String.join(", ", names), partitions, LocalCluster.REPLICATION_FACTOR));
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not create the bench topics " + names, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Until every partition's leader answers for it: the Admin client gives up at once on
	 * a topic its metadata does not have yet.
	 */
	private static void awaitServed(Admin admin, Map<TopicPartition, OffsetSpec> partitions)
			throws InterruptedException, TimeoutException, ExecutionException {
		long deadline = System.nanoTime() + TOPICS_SERVED.toNanos();
		while (true) {
			try {
				admin.listOffsets(partitions).all().get(TOPICS_SERVED.toSeconds(), TimeUnit.SECONDS);
				return;
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(100);
			}
		}
	}

	ToolOutput.ProducerPerformance producerPerformance(long records) {
		List<String> output = runTool("org.apache.kafka.tools.ProducerPerformance", "--topic", RAW_TOPIC,
				"--num-records", Long.toString(records), "--record-size", Integer.toString(RECORD_SIZE), "--throughput",
				"-1", "--producer-props", "bootstrap.servers=" + this.bootstrapServers, "acks=all");
		return ToolOutput.producerPerformance(output)
			.orElseThrow(() -> new IllegalStateException("No summary from ProducerPerformance:\n" + tail(output)));
	}

	ToolOutput.EndToEndLatency endToEndLatency(int records) {
		List<String> output = runTool("org.apache.kafka.tools.EndToEndLatency", this.bootstrapServers, END_TO_END_TOPIC,
				Integer.toString(records), "all", Integer.toString(RECORD_SIZE));
		return ToolOutput.endToEndLatency(output)
			.orElseThrow(() -> new IllegalStateException("No result from EndToEndLatency:\n" + tail(output)));
	}

	/**
	 * As fast as one producer goes: keyed, acks=all, idempotent, default batching; the
	 * latency of each record from send to its callback.
	 */
	BenchResults.RawLoop keyedIdempotent(byte[] value, List<Header> headers, int records) {
		Map<String, Object> configuration = producerConfiguration();
		double[] latencies = new double[records];
		long started = System.nanoTime();
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(configuration, new StringSerializer(),
				new ByteArraySerializer())) {
			for (int i = 0; i < records; i++) {
				int index = i;
				long sent = System.nanoTime();
				producer.send(record(KEYED_TOPIC, value, headers), (metadata, failure) -> {
					latencies[index] = (failure == null) ? (System.nanoTime() - sent) / 1e6 : Double.NaN;
				});
			}
			producer.flush();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		double[] acknowledged = Arrays.stream(latencies).filter(Double::isFinite).toArray();
		return BenchResults.RawLoop.of("keyed idempotent acks=all", value.length, 1, acknowledged.length, seconds,
				Percentiles.of(acknowledged));
	}

	/**
	 * The producer settings orderflow's services run with beyond Kafka's defaults
	 * (kafka-support's {@code OrderflowKafkaDefaults}): a short retry back-off, so a
	 * transaction that follows a commit does not idle while the coordinator finishes it.
	 */
	static final Map<String, Object> ORDERFLOW_PRODUCER = Map.of(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 2,
			ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50);

	/**
	 * What the orders API does for each order: begin, send one keyed record, commit; on
	 * {@code threads} producers at once (each its own transactional.id), for a while.
	 * With {@code consumerOffsets}, each transaction also carries a consumer group's
	 * offset, as every consumer service's does.
	 * @param name what the loop is called in the results
	 * @param settings producer settings on top of acks=all and idempotence
	 * @param consumerOffsets whether to send an offset with each transaction
	 */
	BenchResults.RawLoop keyedTransactional(String name, Map<String, Object> settings, boolean consumerOffsets,
			byte[] value, List<Header> headers, int threads, Duration duration) {
		ConsumerGroupMetadata group = new ConsumerGroupMetadata("bench-tx-" + UUID.randomUUID());
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		long started = System.nanoTime();
		long endsAt = started + duration.toNanos();
		List<Future<List<Double>>> loops = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			String transactionalId = "bench-tx-" + UUID.randomUUID();
			loops.add(pool.submit(() -> {
				Map<String, Object> configuration = producerConfiguration();
				configuration.putAll(settings);
				configuration.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
				List<Double> latencies = new ArrayList<>();
				try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(configuration, new StringSerializer(),
						new ByteArraySerializer())) {
					producer.initTransactions();
					for (long n = 0; System.nanoTime() < endsAt; n++) {
						long begun = System.nanoTime();
						producer.beginTransaction();
						producer.send(record(TRANSACTIONAL_TOPIC, value, headers));
						if (consumerOffsets) {
							producer.sendOffsetsToTransaction(
									Map.of(new TopicPartition(TRANSACTIONAL_TOPIC, (int) (n % Topics.PARTITIONS)),
											new OffsetAndMetadata(n)),
									group);
						}
						producer.commitTransaction();
						latencies.add((System.nanoTime() - begun) / 1e6);
					}
				}
				return latencies;
			}));
		}
		List<Double> all = new ArrayList<>();
		try {
			for (Future<List<Double>> loop : loops) {
				all.addAll(loop.get(duration.toSeconds() + 60, TimeUnit.SECONDS));
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The transactional loop failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		finally {
			pool.shutdownNow();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		return BenchResults.RawLoop.of(name, value.length, threads, all.size(), seconds, Percentiles.of(all));
	}

	/**
	 * Writes {@code orders} copies of a real OrderCreated to {@code orders}, each with an
	 * orderId of its own (in the key and the value), as fast as one idempotent producer
	 * goes: a state for orders-service to read at start.
	 */
	void fillOrders(byte[] value, List<Header> headers, String orderId, int orders) {
		String template = new String(value, StandardCharsets.UTF_8);
		if (!template.contains(orderId)) {
			throw new IllegalArgumentException("The probe's value does not hold its orderId " + orderId);
		}
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfiguration(),
				new StringSerializer(), new ByteArraySerializer())) {
			for (int i = 0; i < orders; i++) {
				String id = UUID.randomUUID().toString();
				producer.send(new ProducerRecord<>(Topics.ORDERS, null, id,
						template.replace(orderId, id).getBytes(StandardCharsets.UTF_8), headers));
			}
			producer.flush();
		}
	}

	static ProducerRecord<String, byte[]> record(String topic, byte[] value, List<Header> headers) {
		return new ProducerRecord<>(topic, null, UUID.randomUUID().toString(), value, headers);
	}

	private Map<String, Object> producerConfiguration() {
		return producerConfiguration(this.bootstrapServers);
	}

	/** acks=all and idempotent, as every producer of orderflow. */
	static Map<String, Object> producerConfiguration(String bootstrapServers) {
		Map<String, Object> configuration = new HashMap<>();
		configuration.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		configuration.put(ProducerConfig.ACKS_CONFIG, "all");
		configuration.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		configuration.put(ProducerConfig.CLIENT_ID_CONFIG, "orderflow-bench");
		return configuration;
	}

	/** A Kafka tool in a child JVM; its output, line by line, also as progress. */
	private List<String> runTool(String mainClass, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx512m");
		String logConfiguration = System.getProperty("log4j2.configurationFile");
		if (logConfiguration != null) {
			command.add("-Dlog4j2.configurationFile=" + logConfiguration);
			command.add("-Dorderflow.launcher.log-file=" + this.logDirectory.resolve("bench-tools.log"));
		}
		command.add("-cp");
		command.add(absoluteClasspath());
		command.add(mainClass);
		command.addAll(List.of(arguments));
		String name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
		this.progress.accept(name + " " + String.join(" ", arguments));
		List<String> lines = new ArrayList<>();
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				long deadline = System.nanoTime() + TOOL_TIMEOUT.toNanos();
				String line;
				while ((line = reader.readLine()) != null) {
					lines.add(line);
					if (!line.isBlank() && !line.startsWith("SLF4J")) {
						this.progress.accept("  " + name + ": " + line.trim());
					}
					if (System.nanoTime() > deadline) {
						process.destroyForcibly();
						throw new IllegalStateException(name + " took longer than " + TOOL_TIMEOUT);
					}
				}
			}
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			return lines;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + name, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static String absoluteClasspath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	private static String tail(List<String> lines) {
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
	}

}
