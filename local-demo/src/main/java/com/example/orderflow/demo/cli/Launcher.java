package com.example.orderflow.demo.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;
import com.example.orderflow.cluster.service.ClassDataSharing;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.cluster.tracing.TraceStore;
import com.example.orderflow.demo.console.Console;
import com.example.orderflow.demo.drill.ControlChannel;
import com.example.orderflow.demo.drill.LocalProcesses;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.status.TextTable;

/**
 * {@code ./demo up} and {@code ./demo cluster}: the cluster, Zipkin and the services
 * started, the control channel served for commands from other shells, the tour if asked
 * for, and everything stopped again on Ctrl-C; and {@code ./demo down}, which stops it
 * from another shell, and whatever a half-finished start left, through the PID files.
 */
final class Launcher {

	/**
	 * The PID file of a running {@code up} or {@code cluster}, so that {@code down} can
	 * stop it.
	 */
	private static final String LAUNCHER = "launcher";

	private static final String KAFKA_NODE = "kafka-node-";

	private static final Duration SERVICES_READY = Duration.ofMinutes(3);

	private static final Duration TRACE_STORE_READY = Duration.ofMinutes(1);

	/** The launcher stops services (20 s at most) and then the cluster (30 s at most). */
	private static final Duration LAUNCHER_STOP = Duration.ofSeconds(90);

	private final DemoOptions options;

	private final PrintStream out;

	private final Progress progress;

	Launcher(DemoOptions options, PrintStream out, Progress progress) {
		this.options = options;
		this.out = out;
		this.progress = progress;
	}

	/** Where a running {@code ./demo up} takes requests from other shells. */
	static Path controlDirectory(DemoOptions options) {
		return options.dataDirectory().resolve("control");
	}

	/**
	 * Starts everything, then blocks until SIGINT or SIGTERM; the shutdown hook stops it
	 * all.
	 */
	int up(boolean withServices, ToIntFunction<SystemProcesses> tour) {
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
		LocalProcesses processes = new LocalProcesses(cluster.get(), stack.get(),
				OptionalInt.of(this.options.secondOrdersPort()), this.progress);
		ControlChannel.serve(controlDirectory(this.options), processes, this.progress);
		List<String> console = withServices ? startConsole(processes, traceStore.get()) : null;
		printSummary(cluster.get(), stack.get(), traceStore.get(), console);
		if (withServices && this.options.tour()) {
			boolean passed = tour.applyAsInt(new LocalProcesses(cluster.get(), stack.get(),
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
	 * The web console, in this JVM (it stops with it). A taken port costs the console
	 * only: the system runs on, and the summary says how to move it.
	 * @return the summary's cells for it: where, and what it shows
	 */
	private List<String> startConsole(SystemProcesses processes, TraceStore traceStore) {
		try {
			return List.of(Console.start(this.options.consolePort(), processes, traceStore.baseUri(), this.progress)
				.uri()
				.toString(), "live: brokers, partitions, groups and lag, an order's journey; actions");
		}
		catch (IllegalStateException ex) {
			return List.of("none", ex.getMessage());
		}
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

	int down() {
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

	private void printSummary(LocalCluster cluster, Stack stack, TraceStore traceStore, List<String> console) {
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
		if (console != null) {
			table.row("console", console.get(0), console.get(1));
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
			this.out.println("    ./demo status      ./demo orders 10      ./demo failures      ./demo down");
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
