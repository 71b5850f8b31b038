package com.example.orderflow.demo.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.demo.bench.Bench;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.BrokerDrills;
import com.example.orderflow.demo.drill.ControlChannel;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.FailureDrill;
import com.example.orderflow.demo.drill.OrdersRestartDrill;
import com.example.orderflow.demo.drill.GroupAssignments;
import com.example.orderflow.demo.drill.LocalProcesses;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.ScaleDrill;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.ClassDataSharing;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.demo.trace.OrderTraces;
import com.example.orderflow.cluster.tracing.TraceStore;
import com.example.orderflow.demo.tour.Tour;
import com.example.orderflow.demo.tour.TourContext;
import tools.jackson.databind.JsonNode;

/**
 * The command line behind {@code ./demo}: {@code up}, {@code cluster}, {@code status},
 * {@code tour}, {@code orders [n]}, {@code load}, {@code scale}, {@code kill},
 * {@code start}, {@code drill}, {@code cutover}, {@code rollback}, {@code bench},
 * {@code failures}, {@code down}, {@code clean}. The script runs {@code up --tour} when
 * given no command.
 */
public final class Demo {

	/**
	 * The PID file of a running {@code up} or {@code cluster}, so that {@code down} can
	 * stop it.
	 */
	private static final String LAUNCHER = "launcher";

	private static final String KAFKA_NODE = "kafka-node-";

	private static final Duration SERVICES_READY = Duration.ofMinutes(3);

	private static final Duration RESULTS = Duration.ofSeconds(90);

	private static final Duration TRACE_STORE_READY = Duration.ofMinutes(1);

	/** The launcher stops services (20 s at most) and then the cluster (30 s at most). */
	private static final Duration LAUNCHER_STOP = Duration.ofSeconds(90);

	private static final int DEFAULT_ORDERS = 5;

	/** The open-loop load of the tour's steps that need one. */
	private static final double TOUR_ORDERS_PER_SECOND = 5;

	/** A scale to 7 instances may take a minute or two on 2 cores. */
	private static final Duration CONTROL_TIMEOUT = Duration.ofMinutes(5);

	private final DemoOptions options;

	private final PrintStream out;

	private final Progress progress;

	Demo(DemoOptions options, PrintStream out) {
		this.options = options;
		this.out = out;
		this.progress = new Progress(out);
	}

	public static void main(String[] args) {
		DemoOptions options;
		try {
			options = DemoOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(DemoOptions.USAGE);
			System.exit(2);
			return;
		}
		logTo(options.dataDirectory().resolve("logs").resolve("launcher.log"));
		int exitCode;
		try {
			exitCode = new Demo(options, System.out).run();
		}
		catch (RuntimeException ex) {
			System.err.println();
			System.err.println("Failed: " + ex.getMessage());
			exitCode = 1;
		}
		System.exit(exitCode);
	}

	/** The launcher's own Kafka clients log to a file: the terminal is for progress. */
	private static void logTo(Path logFile) {
		System.setProperty("orderflow.launcher.log-file", logFile.toString());
		System.setProperty("log4j2.configurationFile", Demo.class.getResource("launcher-log4j2.xml").toString());
	}

	int run() {
		return switch (this.options.command()) {
			case "up" -> up(true);
			case "cluster" -> up(false);
			case "down" -> down();
			case "status" -> status();
			case "clean" -> clean();
			case "orders" -> orders();
			case "failures" -> failures();
			case "tour" -> tour(remoteProcesses());
			case "load" -> load();
			case "scale" -> scale();
			case "kill" -> killOrStart(true);
			case "start" -> killOrStart(false);
			case "drill" -> drill();
			case "cutover" -> liveWriter("v2");
			case "rollback" -> liveWriter("v1");
			case "bench" -> bench();
			case "trace" -> trace();
			case "help" -> help();
			default -> {
				this.out.println("Unknown command " + this.options.command());
				this.out.print(DemoOptions.USAGE);
				yield 2;
			}
		};
	}

	/**
	 * {@code ./demo trace <orderId>}: the order's traces as trees, with the UI's links.
	 */
	private int trace() {
		if (this.options.arguments().size() != 1) {
			this.out.println("Usage: ./demo trace <orderId>");
			return 2;
		}
		String orderId = this.options.arguments().get(0);
		OrderTraces traces = traces();
		List<OrderTraces.Trace> found = traces.ofOrder(orderId);
		if (found.isEmpty()) {
			this.out.println("No trace of order " + orderId + " in Zipkin at 127.0.0.1:" + this.options.zipkinPort()
					+ " (spans reach it a second or two after they end; ./demo up keeps them in memory)");
			return 1;
		}
		for (OrderTraces.Trace trace : found) {
			this.out.println();
			this.out.println("Trace " + trace.traceId() + ": " + trace.spans().size() + " spans from "
					+ String.join(", ", trace.services()));
			this.out.println("  " + traces.uiUri(trace.traceId()));
			this.out.println();
			this.out.print(trace.render("  "));
		}
		return 0;
	}

	/** The traces in the Zipkin of {@code ./demo up}, on its port. */
	private OrderTraces traces() {
		return new OrderTraces(URI.create("http://127.0.0.1:" + this.options.zipkinPort()));
	}

	private int help() {
		this.out.print(DemoOptions.USAGE);
		return 0;
	}

	/**
	 * Starts everything, then blocks until SIGINT or SIGTERM; the shutdown hook stops it
	 * all.
	 */
	private int up(boolean withServices) {
		List<ServiceProcess.Spec> services = withServices ? this.options.services() : List.of();
		List<Path> missing = services.stream()
			.map(ServiceProcess.Spec::jar)
			.filter((jar) -> !Files.isRegularFile(jar))
			.toList();
		if (!missing.isEmpty()) {
			throw new IllegalStateException(
					"Missing service jars (build them: ./mvnw -DskipTests package): " + missing);
		}
		PidFile launcher = PidFile.of(pidDirectory(), LAUNCHER);
		launcher.liveProcess().ifPresent((running) -> {
			throw new IllegalStateException("./demo is already running (pid " + running.pid() + ") with data in "
					+ this.options.dataDirectory() + ": stop it with ./demo down");
		});
		launcher.write(ProcessHandle.current());
		AtomicReference<LocalCluster> cluster = new AtomicReference<>();
		AtomicReference<Stack> stack = new AtomicReference<>();
		AtomicReference<TraceStore> traceStore = new AtomicReference<>();
		Runtime.getRuntime()
			.addShutdownHook(
					new Thread(() -> stopAll(cluster.get(), stack.get(), traceStore.get(), launcher), "demo-stop"));
		this.progress.accept("data in " + this.options.dataDirectory() + ", logs in " + logDirectory());
		CompletableFuture<Void> archives = ClassDataSharing
			.prepareMeanwhile(services.stream().map(ServiceProcess.Spec::jar).toList(), this.progress);
		cluster.set(this.options.secure() ? LocalCluster.startSecured(this.options.layout(), this.progress)
				: LocalCluster.start(this.options.layout(), this.progress));
		if (withServices) {
			// It starts beside the services: they drop spans until it answers.
			traceStore.set(TraceStore.start(TraceStore.jarIn(this.options.repoRoot()), this.options.zipkinPort(),
					logDirectory(), pidDirectory()));
			// Every span to the trace store; secured: each service as its own principal,
			// its credentials in its environment.
			List<ServiceProcess.Spec> traced = services.stream()
				.map((spec) -> spec.with(TraceStore.exportArguments(this.options.zipkinPort()), Map.of()))
				.toList();
			List<ServiceProcess.Spec> started = cluster.get()
				.security()
				.map((security) -> traced.stream().map(security::secured).toList())
				.orElse(traced);
			archives.join();
			stack.set(Stack.start(started, logDirectory(), cluster.get().bootstrapServers(), SERVICES_READY,
					this.progress));
			traceStore.get().awaitReady(TRACE_STORE_READY, this.progress);
		}
		this.progress.accept("all up after %.1f s".formatted(this.progress.seconds()));
		printSummary(cluster.get(), stack.get(), traceStore.get());
		ControlChannel.serve(controlDirectory(), new LocalProcesses(cluster.get(), stack.get(),
				OptionalInt.of(this.options.secondOrdersPort()), this.progress), this.progress);
		if (withServices && this.options.tour()) {
			boolean passed = tour(new LocalProcesses(cluster.get(), stack.get(),
					OptionalInt.of(this.options.secondOrdersPort()), this.progress)) == 0;
			this.out.println();
			this.out.println("The tour is over: stopping everything (./demo up keeps a system running).");
			return passed ? 0 : 1;
		}
		this.out.println();
		this.out.println("Running. Ctrl-C here (or ./demo down in another shell) stops "
				+ (withServices ? "the services, then the cluster." : "the cluster."));
		try {
			new CountDownLatch(1).await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return 0;
	}

	/**
	 * Services first, so none of them spends its shutdown waiting for brokers that are
	 * already gone; then the three nodes together. Whatever a half-finished start left
	 * behind is found through its PID file.
	 */
	private void stopAll(LocalCluster cluster, Stack stack, TraceStore traceStore, PidFile launcher) {
		this.progress.accept("stopping");
		if (stack != null) {
			stack.close();
		}
		if (traceStore != null) {
			traceStore.close();
		}
		stopRecorded((name) -> !name.equals(LAUNCHER) && !name.startsWith(KAFKA_NODE), Duration.ofSeconds(20));
		if (cluster != null) {
			cluster.close();
		}
		stopRecorded((name) -> name.startsWith(KAFKA_NODE), Duration.ofSeconds(30));
		launcher.delete();
		this.progress.accept("stopped");
	}

	private int down() {
		PidFile launcher = PidFile.of(pidDirectory(), LAUNCHER);
		int stopped = 0;
		Optional<ProcessHandle> running = launcher.liveProcess();
		if (running.isPresent()) {
			this.progress.accept(
					"stopping ./demo (pid %d): it stops the services, then the cluster".formatted(running.get().pid()));
			List<ProcessHandle> killed = Termination.together(List.of(running.get()), LAUNCHER_STOP);
			stopped++;
			if (!killed.isEmpty()) {
				this.progress.accept("./demo did not stop within " + LAUNCHER_STOP + ": killed it");
			}
		}
		int services = stopRecorded((name) -> !name.equals(LAUNCHER) && !name.startsWith(KAFKA_NODE),
				Duration.ofSeconds(20));
		int nodes = stopRecorded((name) -> name.startsWith(KAFKA_NODE), Duration.ofSeconds(30));
		stopped += services + nodes;
		PidFile.in(pidDirectory()).forEach(PidFile::delete);
		if (stopped == 0) {
			this.progress.accept("nothing was running (no live process in " + pidDirectory() + ")");
		}
		else {
			this.progress.accept("stopped in %.1f s".formatted(this.progress.seconds()));
		}
		return 0;
	}

	/**
	 * Stops, all at once, the live processes whose PID files match; a PID that now
	 * belongs to another program does not match its file and is left alone.
	 * @return how many were running
	 */
	private int stopRecorded(Predicate<String> names, Duration grace) {
		List<PidFile> files = PidFile.in(pidDirectory()).stream().filter((file) -> names.test(file.name())).toList();
		List<ProcessHandle> running = new ArrayList<>();
		List<String> described = new ArrayList<>();
		for (PidFile file : files) {
			file.liveProcess().ifPresent((process) -> {
				running.add(process);
				described.add(file.name() + " (pid " + process.pid() + ")");
			});
		}
		if (!running.isEmpty()) {
			this.progress.accept("stopping " + String.join(", ", described));
			List<ProcessHandle> killed = Termination.together(running, grace);
			if (!killed.isEmpty()) {
				this.progress.accept("killed after " + grace.toSeconds() + " s: "
						+ killed.stream().map(ProcessHandle::pid).toList());
			}
		}
		files.forEach(PidFile::delete);
		return running.size();
	}

	private int status() {
		return new StatusCommand(this.options, this.out, clusterClient()).run();
	}

	private int clean() {
		boolean secured = ClusterSecurity.existing(this.options.dataDirectory()).isPresent();
		LocalCluster.clean(this.options.dataDirectory());
		this.progress.accept("deleted the cluster's data, logs and PID files" + (secured ? " and its secrets" : "")
				+ " under " + this.options.dataDirectory());
		return 0;
	}

	private int orders() {
		int count = DEFAULT_ORDERS;
		if (!this.options.arguments().isEmpty()) {
			try {
				count = Integer.parseInt(this.options.arguments().get(0));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("orders takes a number, not " + this.options.arguments().get(0));
			}
		}
		boolean all = new SampleOrders(this.options.portOf(Stack.ORDERS), clusterClient(), this.progress).run(count,
				RESULTS, this.out);
		return all ? 0 : 1;
	}

	/**
	 * One order through shipping's failure path, against the running system, each step
	 * checked on the cluster.
	 */
	private int failures() {
		FailureDrill.Result result = new FailureDrill(serviceUri(Stack.ORDERS), serviceUri(Stack.SHIPPING),
				clusterClient(), this.progress)
			.run();
		this.out.println();
		this.out.print(result.report());
		return result.passed() ? 0 : 1;
	}

	/** The guided tour against the running system. */
	private int tour(SystemProcesses processes) {
		long started = System.nanoTime();
		boolean passed = new Tour(
				new TourContext(processes, this.progress, this.out::print, TOUR_ORDERS_PER_SECOND, traces()))
			.run();
		this.out.printf("Tour finished in %.0f s%n", (System.nanoTime() - started) / 1e9);
		return passed ? 0 : 1;
	}

	/** {@code load --rate R --duration D}: open-loop orders with a progress line. */
	private int load() {
		double rate = Double.parseDouble(commandOption("--rate", "10"));
		Duration duration = duration(commandOption("--duration", "30s"));
		// Spread over every orders-service instance that runs (./demo scale
		// orders-service 2).
		SystemProcesses processes = remoteProcesses();
		List<URI> instances = processes.instances(Stack.ORDERS).stream().map(processes::serviceUri).toList();
		OrderLoad.Result result = new OrderLoad(instances, this.progress, false, OrderLoad.PATIENT).run(rate, duration);
		return result.errors().isEmpty() ? 0 : 1;
	}

	/**
	 * {@code bench [--out DIR] [--quick]}: its own cluster and services on free ports in
	 * a temporary directory, never the running demo's.
	 */
	private int bench() {
		Path out = Path
			.of(commandOption("--out", this.options.repoRoot().resolve("local").resolve("bench").toString()));
		new Bench(this.options.repoRoot(), out.toAbsolutePath(), this.options.arguments().contains("--quick"),
				this.progress, this.out)
			.run();
		return 0;
	}

	/** {@code scale <service> <n>}, then the group as the cluster sees it. */
	private int scale() {
		List<String> arguments = positional();
		if (arguments.size() != 2) {
			throw new IllegalArgumentException("scale takes a service and a number: ./demo scale fraud-service 3");
		}
		String service = arguments.get(0);
		int count = Integer.parseInt(arguments.get(1));
		List<String> running = remoteProcesses().scale(service, count);
		this.progress.accept("running: " + String.join(", ", running) + "; waiting for the group to settle");
		this.out.print(GroupAssignments.awaitSettled(clusterClient(), service, count, Duration.ofSeconds(90)));
		return 0;
	}

	/** {@code kill broker <id>}, {@code start broker <id>}, {@code kill <instance>}. */
	private int killOrStart(boolean kill) {
		List<String> arguments = positional();
		SystemProcesses processes = remoteProcesses();
		if (kill && arguments.size() == 1) {
			processes.killInstance(arguments.get(0));
			this.progress.accept(arguments.get(0) + " killed (kill -9)");
			return 0;
		}
		if (arguments.size() != 2 || !arguments.get(0).equals("broker")) {
			throw new IllegalArgumentException(
					"Use: ./demo kill broker <id>, ./demo start broker <id>, ./demo kill <instance>");
		}
		int node = Integer.parseInt(arguments.get(1));
		BrokerDrills drills = new BrokerDrills(processes, 0, false, this.progress, this.out::print);
		DrillReport report = kill ? drills.kill(node) : drills.start(node);
		this.out.println();
		this.out.print(report.render());
		return report.passed() ? 0 : 1;
	}

	/**
	 * {@code drill <scale|broker|quorum|rolling|orders>}: a verified drill under load.
	 */
	private int drill() {
		List<String> arguments = positional();
		String which = arguments.isEmpty() ? "" : arguments.get(0);
		double rate = Double.parseDouble(commandOption("--rate", "10"));
		SystemProcesses processes = remoteProcesses();
		BrokerDrills brokers = new BrokerDrills(processes, rate, false, this.progress, this.out::print);
		DrillReport report = switch (which) {
			case "scale" -> new ScaleDrill(processes, (arguments.size() > 1) ? arguments.get(1) : Stack.FRAUD, rate,
					this.progress, this.out::print)
				.run();
			case "broker" -> brokers.failover();
			case "quorum" -> brokers.quorumLoss();
			case "rolling" -> brokers.rollingRestart();
			case "orders" -> new OrdersRestartDrill(processes, rate, this.progress, this.out::print).run();
			default -> throw new IllegalArgumentException("drill takes one of scale, broker, quorum, rolling, orders");
		};
		this.out.println();
		this.out.print(report.render());
		return report.passed() ? 0 : 1;
	}

	/**
	 * {@code cutover billing} and {@code rollback billing}: the comparison's counts (the
	 * numbers to decide on), then the hand-over step by step.
	 */
	private int liveWriter(String version) {
		if (!positional().equals(List.of("billing"))) {
			throw new IllegalArgumentException("Use: ./demo " + this.options.command() + " billing");
		}
		BillingLiveWriter billing = new BillingLiveWriter(serviceUri(Stack.BILLING), serviceUri(Stack.BILLING_V2));
		this.progress.accept("comparison of v1 and v2: " + BillingLiveWriter.summary(billing.comparison()));
		this.progress.accept("PUT %s {\"version\":\"%s\"}".formatted(billing.liveWriterUri(), version));
		JsonNode report = billing.switchTo(version);
		report.path("steps").forEach((step) -> this.out.println("  " + step.asString()));
		this.progress.accept("billing %s writes invoices (group %s, from offsets %s)%s".formatted(
				report.path("live").asString(), report.path("toGroup").asString(), report.path("handedOver"),
				report.path("writerStarted").asBoolean() ? "" : "; no instance of it runs yet"));
		return 0;
	}

	private SystemProcesses remoteProcesses() {
		Map<String, URI> uris = new HashMap<>();
		this.options.services().forEach((spec) -> uris.put(spec.name(), URI.create("http://127.0.0.1:" + spec.port())));
		return ControlChannel.client(controlDirectory(), clusterClient(), uris::get, CONTROL_TIMEOUT);
	}

	/**
	 * How the tooling reaches the cluster of the data folder: as its admin principal if
	 * it is secured.
	 */
	private Map<String, Object> clusterClient() {
		return LocalCluster.clientProperties(this.options.layout(),
				ClusterSecurity.existing(this.options.dataDirectory()).orElse(null));
	}

	/** The command's arguments without its options. */
	private List<String> positional() {
		List<String> positional = new ArrayList<>();
		List<String> arguments = this.options.arguments();
		for (int i = 0; i < arguments.size(); i++) {
			if (arguments.get(i).equals("--quick")) {
				continue;
			}
			if (arguments.get(i).startsWith("--")) {
				i++;
			}
			else {
				positional.add(arguments.get(i));
			}
		}
		return positional;
	}

	private String commandOption(String name, String otherwise) {
		int at = this.options.arguments().indexOf(name);
		return (at >= 0) ? this.options.arguments().get(at + 1) : otherwise;
	}

	/** 30s, 2m, 90 (seconds). */
	static Duration duration(String text) {
		String value = text.trim().toLowerCase(java.util.Locale.ROOT);
		try {
			if (value.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
			}
			if (value.endsWith("s")) {
				return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
			}
			if (value.endsWith("m")) {
				return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
			}
			return Duration.ofSeconds(Long.parseLong(value));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("A duration is 30s, 2m or 90, not " + text);
		}
	}

	private Path controlDirectory() {
		return this.options.dataDirectory().resolve("control");
	}

	private URI serviceUri(String service) {
		return URI.create("http://127.0.0.1:" + this.options.portOf(service));
	}

	private void printSummary(LocalCluster cluster, Stack stack, TraceStore traceStore) {
		TextTable table = new TextTable();
		table.row("kafka", cluster.bootstrapServers(), "3 nodes, each broker + controller");
		cluster.security()
			.ifPresent((security) -> table.row("secured", security.directory(),
					"SASL_SSL + SCRAM-SHA-512, one principal per service, ACLs deny the rest"));
		if (stack != null) {
			for (ServiceProcess service : stack.services()) {
				table.row(service.name(), service.baseUri(), "pid " + service.pid());
			}
		}
		if (traceStore != null) {
			table.row("zipkin", traceStore.uiUri(), "pid " + traceStore.pid() + ", every order's trace");
		}
		table.row("data", this.options.dataDirectory().resolve("kafka"), "node-1, node-2, node-3");
		table.row("logs", logDirectory(), "kafka-node-N.log, <service>.log");
		this.out.println();
		this.out.print(table.render("  "));
		if (stack != null) {
			int orders = this.options.portOf(Stack.ORDERS);
			this.out.println();
			this.out.println("  Try:");
			this.out.println("    curl -i -X POST http://127.0.0.1:" + orders
					+ "/api/orders -H 'Content-Type: application/json' \\");
			this.out.println("      -d '{\"customerId\":\"c-1\",\"currency\":\"EUR\",\"shippingCountry\":\"DE\","
					+ "\"lines\":[{\"sku\":\"SKU-BOOK\",\"quantity\":2,\"unitPrice\":\"12.50\"}]}'");
			this.out.println(cluster.security().isPresent() ? "    ./demo status      ./demo down"
					: "    ./demo status      ./demo orders 10      ./demo failures      ./demo down");
			this.out.println("    ./demo trace <orderId>   (the order id of a 201's body) or the UI above");
		}
	}

	private Path pidDirectory() {
		return this.options.layout().pidDirectory();
	}

	private Path logDirectory() {
		return this.options.layout().logDirectory();
	}

}
