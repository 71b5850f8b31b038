package com.example.orderflow.demo.bench;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.service.ClassDataSharing;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.cluster.tracing.TraceStore;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.OutputLedger.TopicReader;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./demo bench}: starts its own cluster and services on free ports in a temporary
 * directory (never the demo's), and measures in this order: the stack's start time and
 * memory, raw Kafka on the same cluster (Kafka's tools, keyed producer loops, and the
 * consumer services' consume-transform-produce shape in plain clients), the pipeline at
 * the lowest rate, the orders API at rising rates, the highest rate every group keeps up
 * with, the lowest rates again with the consumer services restarted to commit one
 * transaction per record, the lowest rate and the pipeline's again without tracing, the
 * orders API alone at the pipeline's rate (no consumer service running), and
 * orders-service started again with {@value #RESTART_ORDERS} orders to read. Prints a
 * table of every figure beside its baseline and writes {@code bench-<timestamp>.json} and
 * {@code bench-<timestamp>.svg}.
 */
public final class Bench {

	/** The p99 of a sustainable ingest step. */
	static final double HTTP_P99_LIMIT_MS = 100;

	private static final List<Double> RATES = List.of(25.0, 50.0, 100.0, 200.0, 400.0, 800.0, 1600.0);

	/** Rising rates stop at errors or at an HTTP p99 above this. */
	static final double HTTP_P99_EXPLODED_MS = 2000;

	/** The rate every group must keep up with (issue 14), the first keep-up step. */
	static final double PIPELINE_RATE = 1000;

	/** The rate every group should keep up with. */
	static final double KEEP_UP_AIM = 2000;

	/** Keep-up steps, until the first a group misses. */
	private static final List<Double> KEEP_UP_RATES = List.of(PIPELINE_RATE, 1500.0, KEEP_UP_AIM, 3000.0);

	/** The state orders-service reads at its restart, at the end of the run. */
	static final int RESTART_ORDERS = 100_000;

	private static final Pattern BOOK_GAUGE = Pattern
		.compile("(?m)^orderflow_orders_book_orders\\{[^}]*\\} ([0-9.eE+]+)$");

	/**
	 * The consumer services, restarted with one transaction per record for the comparison
	 * and stopped for the orders API alone; not orders-service, and not billing-v2-live,
	 * which consumes only after a cut-over.
	 */
	static final List<String> CONSUMER_SERVICES = List.of(Stack.BILLING, Stack.BILLING_V2, Stack.SHIPPING, Stack.FRAUD,
			Stack.NOTIFICATION);

	/**
	 * Tracing off for the comparison: Boot's Brave auto-configuration left out, so every
	 * service runs with Micrometer's no-op tracer (no context, no span, no export).
	 */
	static final String TRACING_OFF_ARGUMENT = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration";

	/**
	 * Every service that handles an order: restarted without tracing for the comparison.
	 */
	static final List<String> TRACED_SERVICES = List.of(Stack.ORDERS, Stack.BILLING, Stack.BILLING_V2, Stack.SHIPPING,
			Stack.FRAUD, Stack.NOTIFICATION);

	/** kafka-support's ConsumerTransactionProperties: 1 is the old shape. */
	static final String PER_RECORD_ARGUMENT = "--orderflow.consumer.transaction.max-records=1";

	/**
	 * The second per-record step: a rate one transaction per record cannot keep up with.
	 */
	private static final double PER_RECORD_FALLS_BEHIND = 100;

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

	private volatile TraceStore traceStore;

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
		// (a) The stack, as ./demo up starts it: Zipkin beside the services, which
		// send it every span.
		this.progress.accept("== stack: time to all ready, then resident memory");
		int zipkinPort = ServiceProcess.freePort();
		List<ServiceProcess.Spec> specs = Stack.defaultServices(this.repoRoot)
			.stream()
			.map((spec) -> spec.withPort(ServiceProcess.freePort())
				.with(TraceStore.exportArguments(zipkinPort), Map.of()))
			.toList();
		// As on every ./demo up but the first after a build: not counted.
		ClassDataSharing.prepare(specs.stream().map(ServiceProcess.Spec::jar).toList(), this.progress);
		long t0 = System.nanoTime();
		this.cluster = LocalCluster.start(ClusterLayout.withFreePorts(directory), LocalCluster.Compiler.PEAK,
				this.progress);
		long t1 = System.nanoTime();
		this.traceStore = TraceStore.start(TraceStore.jarIn(this.repoRoot), zipkinPort,
				this.cluster.layout().logDirectory(), this.cluster.layout().pidDirectory());
		this.stack = Stack.start(specs, this.cluster.layout().logDirectory(), this.cluster.bootstrapServers(),
				SERVICES_READY, this.progress);
		this.traceStore.awaitReady(SERVICES_READY, this.progress);
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
		this.progress.accept(
				("  %.0f records/s, p50 %.1f ms, p99 %.1f ms; the physical bound: %.0f orders/s (%d" + " records each)")
					.formatted(keyed.recordsPerSecond(), keyed.latencyMs().p50(), keyed.latencyMs().p99(),
							keyed.recordsPerSecond() / BenchResults.RECORDS_PER_ORDER, BenchResults.RECORDS_PER_ORDER));
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
		BenchResults.ConsumeTransformProduce ceiling = consumeTransformProduce(bootstrap, probe);

		List<BenchResults.Step> ingest = new ArrayList<>();
		List<BenchResults.Step> pipeline = new ArrayList<>();
		List<BenchResults.Step> perRecord = new ArrayList<>();
		List<BenchResults.Step> tracingOff = new ArrayList<>();
		BenchResults.Step apiAlone;
		double highest = 0;
		Map<String, Long> loaded = Map.of();
		try (LoadSteps steps = new LoadSteps(orders.baseUri(), this.cluster.clientProperties(), this::processes,
				this.progress)) {
			// A first step on a fresh stack pays for class loading, JIT and the first
			// transactions' coordinator look-ups; it is printed but never counted.
			StepPlan warmUp = new StepPlan(RATES.get(0), seconds(6, 15), seconds(30, 60));
			this.progress.accept("== warm-up: %.0f orders/s, not counted".formatted(warmUp.rate()));
			run(steps, "warm-up", warmUp);
			// (d, first part) The pipeline at the lowest rate, before the ingest steps
			// leave the groups a backlog that would be measured instead.
			StepPlan lowest = new StepPlan(RATES.get(0), seconds(10, 30), seconds(30, 60));
			this.progress
				.accept("== pipeline: from each order event to each group's output, at %.0f orders/s on drained groups"
					.formatted(lowest.rate()));
			pipeline.add(run(steps, "pipeline", lowest));
			// (c) Ingest at rising rates until errors or an exploded p99.
			this.progress.accept(("== ingest: open-loop HTTP at rising rates, until errors or p99 > %.0f ms;"
					+ " sustainable: no errors and p99 <= %.0f ms")
				.formatted(HTTP_P99_EXPLODED_MS, HTTP_P99_LIMIT_MS));
			Duration ingestLength = seconds(6, 15);
			Duration ingestDrain = seconds(20, 40);
			for (double rate : RATES) {
				BenchResults.Step step = run(steps, "ingest", new StepPlan(rate, ingestLength, ingestDrain));
				ingest.add(step);
				if (step.sustainable()) {
					highest = rate;
				}
				if (!step.takenWithoutErrors() || step.httpMs().p99() > HTTP_P99_EXPLODED_MS) {
					break;
				}
			}
			// (d) Keep-up: rising rates on drained groups, until the first step a group
			// misses; the first, the 1,000 orders/s, for longest.
			this.progress.accept(("== keep-up: rising rates until a group misses (lag over %.0f s of orders, or not"
					+ " drained within the drain time)")
				.formatted(LoadSteps.BOUNDED_LAG_SECONDS));
			steps.awaitDrainedBeforeStep(seconds(30, 60));
			for (double rate : KEEP_UP_RATES) {
				StepPlan keepUp = new StepPlan(rate, (rate == PIPELINE_RATE) ? seconds(20, 60) : seconds(10, 30),
						seconds(30, 60));
				this.progress.accept("== keep-up at %.0f orders/s for %d s; lag before it: %s".formatted(rate,
						keepUp.length().toSeconds(), steps.lags()));
				BenchResults.Step step = run(steps, "keep-up", keepUp);
				pipeline.add(step);
				if (rate == PIPELINE_RATE) {
					loaded = residentMemory();
					this.progress
						.accept("RSS after the %.0f/s step: %s, %d MB in all".formatted(rate, loaded, total(loaded)));
				}
				if (!step.everyGroupKeptUp()) {
					break;
				}
			}
			// (e) Per record against batched: the same steps once more, the consumer
			// services restarted with one transaction per record.
			this.progress.accept("== per record against batched: %s again with %s".formatted(CONSUMER_SERVICES,
					PER_RECORD_ARGUMENT));
			steps.awaitDrainedBeforeStep(seconds(30, 60));
			this.stack.restart(CONSUMER_SERVICES, List.of(PER_RECORD_ARGUMENT), SERVICES_READY, this.progress);
			this.progress.accept("== per record: warm-up, %.0f orders/s, not counted".formatted(warmUp.rate()));
			run(steps, "warm-up", warmUp);
			for (StepPlan step : List.of(lowest, new StepPlan(PER_RECORD_FALLS_BEHIND, ingestLength, ingestDrain))) {
				this.progress.accept("== per record at %.0f orders/s for %d s; lag before it: %s".formatted(step.rate(),
						step.length().toSeconds(), steps.lags()));
				perRecord.add(run(steps, "per-record", step));
			}
			// (g) Tracing on against off: every service restarted as first started
			// (batched, every span to Zipkin) but without tracing; the lowest rate and
			// the rate again, beside the same steps above.
			this.progress.accept("== tracing off: %s again with %s".formatted(TRACED_SERVICES, TRACING_OFF_ARGUMENT));
			steps.awaitDrainedBeforeStep(seconds(30, 60));
			this.stack.restart(TRACED_SERVICES, List.of(TRACING_OFF_ARGUMENT), SERVICES_READY, this.progress);
			this.progress.accept("== tracing off: warm-up, %.0f orders/s, not counted".formatted(warmUp.rate()));
			run(steps, "warm-up", warmUp);
			for (StepPlan step : List.of(lowest, new StepPlan(PIPELINE_RATE, seconds(20, 60), seconds(30, 60)))) {
				this.progress.accept("== tracing off at %.0f orders/s for %d s; lag before it: %s"
					.formatted(step.rate(), step.length().toSeconds(), steps.lags()));
				tracingOff.add(run(steps, "tracing-off", step));
			}
			// (h) The orders API alone: the consumer services stopped for good ((f) reads
			// the book without them), orders-service still without tracing, the issue's
			// rate once more. No group can be offered more than the API takes here.
			stopConsumerServices();
			Duration aloneFor = seconds(20, 60);
			this.progress.accept("== the orders API alone at %.0f orders/s for %d s: %s stopped, tracing still off"
				.formatted(PIPELINE_RATE, aloneFor.toSeconds(), CONSUMER_SERVICES));
			apiAlone = steps.runApiAlone("api-alone", PIPELINE_RATE, aloneFor, HTTP_P99_LIMIT_MS);
		}
		BenchResults.OrdersRestart restart = ordersRestart(raw, probe);
		long launcher = Footprint.residentMegabytes(ProcessHandle.current().pid()).orElse(0);
		BenchResults.StackFigures stackFigures = BenchResults.StackFigures.of(round((t1 - t0) / 1e9),
				round((t2 - t1) / 1e9), round((t2 - t0) / 1e9), idle, loaded, launcher);
		List<BenchResults.Step> earlier = new ArrayList<>(pipeline.subList(0, 1));
		earlier.addAll(ingest);
		BenchResults.KeepUp keepUp = BenchResults.KeepUp.of(earlier,
				pipeline.stream().filter((step) -> step.phase().equals("keep-up")).toList(), keyed, ceiling.warm());
		Map<String, String> machine = new LinkedHashMap<>();
		machine.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
		machine.put("java", System.getProperty("java.version"));
		machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
		return new BenchResults(DateTimeFormatter.ISO_INSTANT.format(started), this.quick, machine, stackFigures,
				producerPerformance, endToEnd, keyed, transactional, consumerShapeDefaults, consumerShape, ceiling,
				ingest, highest, pipeline, keepUp, perRecord, tracingOff, apiAlone, restart);
	}

	/**
	 * The consumer services stop for the rest of the run; see {@link #CONSUMER_SERVICES}.
	 */
	private void stopConsumerServices() {
		for (String service : CONSUMER_SERVICES) {
			this.stack.service(service).stop();
			this.stack.forget(service);
		}
	}

	/**
	 * (f) orders-service killed and started again with {@value #RESTART_ORDERS} orders in
	 * its state, topped up with copies of a real OrderCreated: how long until it is
	 * ready, having read them all, and its memory then. The consumer services have
	 * stopped before, so that what is measured is orders-service reading {@code orders},
	 * not the groups catching up with the copies.
	 */
	private BenchResults.OrdersRestart ordersRestart(RawBaseline raw, ProbeRecord probe) {
		this.progress.accept("== orders-service restarted with %,d orders in its state".formatted(RESTART_ORDERS));
		ServiceProcess orders = this.stack.service(Stack.ORDERS);
		long before = ordersInBook(orders);
		long topUp = Math.max(0, RESTART_ORDERS - before);
		this.progress.accept("%,d orders in its book; %,d more written to %s".formatted(before, topUp, Topics.ORDERS));
		raw.fillOrders(probe.value(), probe.headers(), probe.orderId(), (int) topUp);
		long killed = System.nanoTime();
		ServiceProcess restarted = this.stack.killAndRestart(Stack.ORDERS, SERVICES_READY, this.progress);
		double seconds = round((System.nanoTime() - killed) / 1e9);
		long read = ordersInBook(restarted);
		long rss = Footprint.residentMegabytes(restarted.pid()).orElse(0);
		this.progress.accept("ready %.1f s after kill -9 with %,d orders read into its book; RSS %d MB"
			.formatted(seconds, read, rss));
		return new BenchResults.OrdersRestart(read, seconds, rss);
	}

	/** orders-service's {@code orderflow_orders_book_orders} gauge. */
	private static long ordersInBook(ServiceProcess orders) {
		Matcher gauge = BOOK_GAUGE.matcher(orders.metrics());
		if (!gauge.find()) {
			throw new IllegalStateException("No orderflow_orders_book_orders in orders-service's metrics");
		}
		return (long) Double.parseDouble(gauge.group(1));
	}

	/**
	 * The consumer services' shape in plain clients: a backlog through every group cold,
	 * a second one warm, then one transaction per record for a fixed time.
	 */
	private BenchResults.ConsumeTransformProduce consumeTransformProduce(String bootstrap, ProbeRecord probe) {
		this.progress.accept("== baseline: consume-transform-produce in plain Kafka clients, %d groups at once"
			.formatted(ConsumerGroups.ALL.size()));
		int backlog = this.quick ? 5_000 : 20_000;
		// Ten times what the passes took on a quiet machine: a pass that hits it is
		// reported as incomplete, with the orders it got through.
		Duration limit = seconds(60, 180);
		try (RawConsumeTransformProduce loop = new RawConsumeTransformProduce(bootstrap, this.progress)) {
			loop.createTopics();
			loop.fill(probe.value(), probe.headers(), backlog);
			BenchResults.TransactionPass cold = loop.pass("cold: first pass over a backlog, one transaction per poll",
					RawConsumeTransformProduce.RECORDS_PER_TRANSACTION, limit);
			loop.fill(probe.value(), probe.headers(), backlog);
			BenchResults.TransactionPass warm = loop.pass("warm: a second backlog, one transaction per poll",
					RawConsumeTransformProduce.RECORDS_PER_TRANSACTION, limit);
			boolean committed = loop.offsetsCommittedToEnd();
			this.progress.accept("  every group's offsets committed to the input's end: " + committed);
			// More than one transaction per record gets through in the time: the groups
			// never run out.
			loop.fill(probe.value(), probe.headers(), this.quick ? 2_000 : 5_000);
			BenchResults.TransactionPass perRecord = loop.pass("one transaction per record", 1, seconds(10, 20));
			return new BenchResults.ConsumeTransformProduce(ConsumerGroups.ALL.size(), Topics.PARTITIONS,
					RawConsumeTransformProduce.OUTPUT_BYTES, backlog, cold, warm, perRecord, committed);
		}
	}

	private BenchResults.Step run(LoadSteps steps, String phase, StepPlan step) {
		return steps.run(phase, step.rate(), step.length(), step.drain(), HTTP_P99_LIMIT_MS);
	}

	/**
	 * A step's offered rate, how long it offers it and how long it waits for the drain.
	 */
	private record StepPlan(double rate, Duration length, Duration drain) {
	}

	private Duration seconds(int quick, int full) {
		return Duration.ofSeconds(this.quick ? quick : full);
	}

	/** Every process whose CPU a step reports: the nodes, the services, this JVM. */
	private Map<String, Long> processes() {
		Map<String, Long> pids = new LinkedHashMap<>();
		for (int node : this.cluster.layout().nodeIds()) {
			pids.put("kafka-node-" + node, this.cluster.pid(node));
		}
		for (ServiceProcess service : this.stack.services()) {
			pids.put(service.name(), service.pid());
		}
		pids.put(TraceStore.NAME, this.traceStore.pid());
		pids.put("bench-launcher", ProcessHandle.current().pid());
		return pids;
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
		try (TopicReader reader = new TopicReader(this.cluster.clientProperties(), Topics.ORDERS)) {
			for (ConsumerRecord<String, byte[]> record : reader.readNew()) {
				JsonNode value = json.readTree(record.value());
				if (customer.equals(value.path("customerId").asString())) {
					List<Header> headers = new ArrayList<>();
					record.headers().forEach(headers::add);
					this.progress.accept("a real OrderCreated: %d B value, headers %s".formatted(record.value().length,
							headers.stream().map(Header::key).toList()));
					return new ProbeRecord(record.value(), List.copyOf(headers), record.key());
				}
			}
		}
		throw new IllegalStateException("The probe order " + customer + " is not on " + Topics.ORDERS);
	}

	private record ProbeRecord(byte[] value, List<Header> headers, String orderId) {
	}

	private Map<String, Long> residentMemory() {
		Map<String, Long> rss = new LinkedHashMap<>();
		for (int node : this.cluster.layout().nodeIds()) {
			rss.put("kafka-node-" + node, Footprint.residentMegabytes(this.cluster.pid(node)).orElse(0));
		}
		for (ServiceProcess service : this.stack.services()) {
			rss.put(service.name(), Footprint.residentMegabytes(service.pid()).orElse(0));
		}
		rss.put(TraceStore.NAME, Footprint.residentMegabytes(this.traceStore.pid()).orElse(0));
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
		if (this.traceStore != null) {
			this.traceStore.close();
			this.traceStore = null;
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
