package com.example.orderflow.cluster.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.drill.OrdersClient;
import com.example.orderflow.cluster.drill.OutputLedger.TopicReader;
import com.example.orderflow.cluster.service.ClassDataSharing;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./demo bench}: starts its own cluster and services on free ports in a temporary
 * directory (never the demo's), and measures in this order: the stack's start time and
 * memory, raw Kafka on the same cluster, the orders API at rising rates, and the pipeline
 * at fixed rates. Prints a table of every figure beside its baseline and writes
 * {@code bench-<timestamp>.json} and {@code bench-<timestamp>.svg}.
 */
public final class Bench {

	/** The p99 of a sustainable ingest step. */
	static final double HTTP_P99_LIMIT_MS = 100;

	private static final List<Double> RATES = List.of(25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0);

	/** Rising rates stop at errors or at an HTTP p99 above this. */
	static final double HTTP_P99_EXPLODED_MS = 2000;

	/** The fixed rate the pipeline is measured at besides the highest sustainable one. */
	static final double PIPELINE_RATE = 1000;

	private static final Duration SERVICES_READY = Duration.ofMinutes(3);

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
		.withZone(ZoneOffset.UTC);

	private final Path repoRoot;

	private final Path outDirectory;

	private final boolean quick;

	private final Consumer<String> progress;

	private final PrintStream out;

	private volatile LocalCluster cluster;

	private volatile Stack stack;

	public Bench(Path repoRoot, Path outDirectory, boolean quick, Consumer<String> progress, PrintStream out) {
		this.repoRoot = repoRoot;
		this.outDirectory = outDirectory;
		this.quick = quick;
		this.progress = progress;
		this.out = out;
	}

	/** Runs every step, stops everything it started, and writes the results. */
	public BenchResults run() {
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		Path directory;
		try {
			directory = Files.createTempDirectory("orderflow-bench-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread stopper = new Thread(this::stop, "bench-stop");
		Runtime.getRuntime().addShutdownHook(stopper);
		boolean passed = false;
		try {
			BenchResults results = measure(started, directory);
			write(results, started);
			passed = true;
			return results;
		}
		finally {
			stop();
			Runtime.getRuntime().removeShutdownHook(stopper);
			if (passed) {
				LocalCluster.clean(directory);
			}
			else {
				this.progress.accept("logs kept in " + directory.resolve("logs"));
			}
		}
	}

	private BenchResults measure(Instant started, Path directory) {
		this.progress.accept("bench%s: its own cluster and services on free ports in %s; results to %s"
			.formatted(this.quick ? " --quick" : "", directory, this.outDirectory));
		// (a) The stack, as ./demo up starts it.
		this.progress.accept("== stack: time to all ready, then resident memory");
		List<ServiceProcess.Spec> specs = Stack.defaultServices(this.repoRoot)
			.stream()
			.map((spec) -> spec.withPort(ServiceProcess.freePort()))
			.toList();
		// As on every ./demo up but the first after a build: not counted.
		ClassDataSharing.prepare(specs.stream().map(ServiceProcess.Spec::jar).toList(), this.progress);
		long t0 = System.nanoTime();
		this.cluster = LocalCluster.start(LocalCluster.Layout.withFreePorts(directory), this.progress);
		long t1 = System.nanoTime();
		this.stack = Stack.start(specs, this.cluster.layout().logDirectory(), this.cluster.bootstrapServers(),
				SERVICES_READY, this.progress);
		long t2 = System.nanoTime();
		Map<String, Long> idle = residentMemory();
		this.progress.accept("all ready after %.1f s (cluster %.1f s, services %.1f s); RSS %s, %d MB in all"
			.formatted((t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, idle, total(idle)));
		ServiceProcess orders = this.stack.service(Stack.ORDERS);
		ProbeRecord probe = probeOrder(orders);

		// (b) Raw Kafka on the same cluster.
		this.progress.accept("== baseline: raw Kafka on this cluster");
		String bootstrap = this.cluster.bootstrapServers();
		RawBaseline raw = new RawBaseline(bootstrap, this.cluster.layout().logDirectory(), this.progress);
		raw.createTopics(Topics.PARTITIONS);
		ToolOutput.ProducerPerformance producerPerformance = raw.producerPerformance(this.quick ? 100_000 : 500_000);
		ToolOutput.EndToEndLatency endToEnd = raw.endToEndLatency(this.quick ? 1_000 : 5_000);
		this.progress.accept("keyed idempotent loop, %d B OrderCreated values".formatted(probe.value().length));
		BenchResults.RawLoop keyed = raw.keyedIdempotent(probe.value(), probe.headers(), this.quick ? 30_000 : 200_000);
		this.progress.accept("  %.0f records/s, p50 %.1f ms, p99 %.1f ms".formatted(keyed.recordsPerSecond(),
				keyed.latencyMs().p50(), keyed.latencyMs().p99()));
		Duration transactionsFor = Duration.ofSeconds(this.quick ? 5 : 15);
		BenchResults.RawLoop transactional = raw.keyedTransactional("keyed, one transaction per record",
				RawBaseline.ORDERFLOW_PRODUCER, false, probe.value(), probe.headers(), 4, transactionsFor);
		progress(transactional);
		BenchResults.RawLoop consumerShapeDefaults = raw.keyedTransactional(
				"keyed, one transaction per record with offsets, client defaults", Map.of(), true, probe.value(),
				probe.headers(), 4, transactionsFor);
		progress(consumerShapeDefaults);
		BenchResults.RawLoop consumerShape = raw.keyedTransactional(
				"keyed, one transaction per record with offsets, orderflow's settings", RawBaseline.ORDERFLOW_PRODUCER,
				true, probe.value(), probe.headers(), 4, transactionsFor);
		progress(consumerShape);

		List<BenchResults.Step> ingest = new ArrayList<>();
		List<BenchResults.Step> pipeline = new ArrayList<>();
		double highest = 0;
		try (LoadSteps steps = new LoadSteps(orders.baseUri(), bootstrap, this.progress)) {
			// A first step on a fresh stack pays for class loading, JIT and the first
			// transactions' coordinator look-ups; it is printed but never counted.
			this.progress.accept("== warm-up: %.0f orders/s, not counted".formatted(RATES.get(0)));
			steps.run("warm-up", RATES.get(0), Duration.ofSeconds(this.quick ? 6 : 15),
					Duration.ofSeconds(this.quick ? 30 : 60), HTTP_P99_LIMIT_MS);
			Duration pipelineLength = Duration.ofSeconds(this.quick ? 10 : 30);
			Duration pipelineDrain = Duration.ofSeconds(this.quick ? 30 : 60);
			// (d, first part) The pipeline at the lowest rate, before the ingest steps
			// leave the groups a backlog that would be measured instead.
			this.progress.accept("== pipeline: from the 201 to each group's output, at %.0f orders/s on drained groups"
				.formatted(RATES.get(0)));
			pipeline.add(steps.run("pipeline", RATES.get(0), pipelineLength, pipelineDrain, HTTP_P99_LIMIT_MS));
			// (c) Ingest at rising rates until errors or an exploded p99.
			this.progress.accept(("== ingest: open-loop HTTP at rising rates, until errors or p99 > %.0f ms;"
					+ " sustainable: no errors and p99 <= %.0f ms")
				.formatted(HTTP_P99_EXPLODED_MS, HTTP_P99_LIMIT_MS));
			Duration stepLength = Duration.ofSeconds(this.quick ? 6 : 15);
			Duration drain = Duration.ofSeconds(this.quick ? 20 : 40);
			for (double rate : RATES) {
				BenchResults.Step step = steps.run("ingest", rate, stepLength, drain, HTTP_P99_LIMIT_MS);
				ingest.add(step);
				if (step.sustainable()) {
					highest = rate;
				}
				if (!step.takenWithoutErrors() || step.httpMs().p99() > HTTP_P99_EXPLODED_MS) {
					break;
				}
			}
			// (d) Then at the highest sustainable rate, if above the lowest, and at the
			// issue's fixed 1,000 orders/s; whatever backlog the groups still have is
			// printed before the step.
			List<Double> rates = (highest > RATES.get(0)) ? List.of(highest, PIPELINE_RATE) : List.of(PIPELINE_RATE);
			for (double rate : rates) {
				this.progress.accept("== pipeline at %.0f orders/s; lag before it: %s".formatted(rate, steps.lags()));
				pipeline.add(steps.run("pipeline", rate, pipelineLength, pipelineDrain, HTTP_P99_LIMIT_MS));
			}
		}
		Map<String, Long> loaded = residentMemory();
		long launcher = Footprint.residentMegabytes(ProcessHandle.current().pid()).orElse(0);
		BenchResults.StackFigures stackFigures = BenchResults.StackFigures.of(round((t1 - t0) / 1e9),
				round((t2 - t1) / 1e9), round((t2 - t0) / 1e9), idle, loaded, launcher);
		Map<String, String> machine = new LinkedHashMap<>();
		machine.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
		machine.put("java", System.getProperty("java.version"));
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		return new BenchResults(DateTimeFormatter.ISO_INSTANT.format(started), this.quick, machine, stackFigures,
				producerPerformance, endToEnd, keyed, transactional, consumerShapeDefaults, consumerShape, ingest,
				highest, pipeline);
	}

	private void progress(BenchResults.RawLoop loop) {
		this.progress.accept("  %s on %d producers: %.0f records/s, p50 %.1f ms, p99 %.1f ms".formatted(loop.name(),
				loop.threads(), loop.recordsPerSecond(), loop.latencyMs().p50(), loop.latencyMs().p99()));
	}

	/**
	 * One order through the API, so the raw loops send exactly what it writes: its value
	 * and headers.
	 */
	private ProbeRecord probeOrder(ServiceProcess orders) {
		String customer = "bench-probe-" + System.currentTimeMillis();
		new OrdersClient(orders.baseUri(), this.progress).place(customer);
		JsonMapper json = JsonMapper.builder().build();
		try (TopicReader reader = new TopicReader(this.cluster.bootstrapServers(), Topics.ORDERS)) {
			for (ConsumerRecord<String, byte[]> record : reader.readNew()) {
				JsonNode value = json.readTree(record.value());
				if (customer.equals(value.path("customerId").asString())) {
					List<Header> headers = new ArrayList<>();
					record.headers().forEach(headers::add);
					this.progress.accept("a real OrderCreated: %d B value, headers %s".formatted(record.value().length,
							headers.stream().map(Header::key).toList()));
					return new ProbeRecord(record.value(), List.copyOf(headers));
				}
			}
		}
		throw new IllegalStateException("The probe order " + customer + " is not on " + Topics.ORDERS);
	}

	private record ProbeRecord(byte[] value, List<Header> headers) {
	}

	private Map<String, Long> residentMemory() {
		Map<String, Long> rss = new LinkedHashMap<>();
		for (int node : this.cluster.layout().nodeIds()) {
			rss.put("kafka-node-" + node, Footprint.residentMegabytes(this.cluster.pid(node)).orElse(0));
		}
		for (ServiceProcess service : this.stack.services()) {
			rss.put(service.name(), Footprint.residentMegabytes(service.pid()).orElse(0));
		}
		return rss;
	}

	private static long total(Map<String, Long> rss) {
		return rss.values().stream().mapToLong(Long::longValue).sum();
	}

	private synchronized void stop() {
		if (this.stack != null) {
			this.progress.accept("stopping the services");
			this.stack.close();
			this.stack = null;
		}
		if (this.cluster != null) {
			this.cluster.close();
			this.cluster = null;
		}
	}

	private void write(BenchResults results, Instant started) {
		String name = "bench-" + STAMP.format(started);
		this.out.println();
		this.out.print(BenchReport.table(results));
		try {
			Files.createDirectories(this.outDirectory);
			Path json = this.outDirectory.resolve(name + ".json");
			Path svg = this.outDirectory.resolve(name + ".svg");
			Files.writeString(json, results.toJson());
			Files.writeString(svg, BenchReport.chart(results));
			this.out.println();
			this.out.println("Written: " + json + " and " + svg);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the results to " + this.outDirectory, ex);
		}
	}

	private static double round(double seconds) {
		return Math.round(seconds * 10) / 10.0;
	}

	static String format(String pattern, Object... values) {
		return String.format(Locale.ROOT, pattern, values);
	}

	static Comparator<BenchResults.Step> byRate() {
		return Comparator.comparingDouble(BenchResults.Step::targetRate);
	}

}
