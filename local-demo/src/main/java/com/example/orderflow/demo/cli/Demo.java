package com.example.orderflow.demo.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.bench.Bench;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.BrokerDrills;
import com.example.orderflow.demo.drill.ControlChannel;
import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.drill.FailureDrill;
import com.example.orderflow.demo.drill.GroupAssignments;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OrdersRestartDrill;
import com.example.orderflow.demo.drill.ScaleDrill;
import com.example.orderflow.demo.groups.ProtocolDrill;
import com.example.orderflow.demo.groups.ShareGroupDrill;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.tour.Tour;
import com.example.orderflow.demo.tour.TourContext;
import com.example.orderflow.demo.trace.OrderTraces;
import org.apache.kafka.clients.admin.Admin;
import tools.jackson.databind.JsonNode;

/**
 * The command line behind {@code ./demo}: {@code up}, {@code cluster}, {@code status},
 * {@code tour}, {@code orders [n]}, {@code load}, {@code scale}, {@code kill},
 * {@code start}, {@code drill}, {@code cutover}, {@code rollback}, {@code bench},
 * {@code failures}, {@code down}, {@code clean}. The script runs {@code up --tour} when
 * given no command.
 */
public final class Demo {

	private static final Duration RESULTS = Duration.ofSeconds(90);

	/**
	 * How long {@code scale} waits for the group, before and after: a new instance's
	 * start on a busy 2-core machine, then a rebalance.
	 */
	private static final Duration SCALE_SETTLES_WITHIN = Duration.ofSeconds(90);

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
			case "up" -> launcher().up(true, this::tour);
			case "cluster" -> launcher().up(false, this::tour);
			case "down" -> launcher().down();
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

	private Launcher launcher() {
		return new Launcher(this.options, this.out, this.progress);
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
		SystemProcesses processes = remoteProcesses();
		try (Admin admin = Admin.create(clusterClient())) {
			int perInstance = GroupAssignments.membersPerInstance(admin, service, processes.instances(service).size(),
					SCALE_SETTLES_WITHIN);
			List<String> running = processes.scale(service, count);
			this.progress.accept("running: %s; waiting for the group to settle with %d members (%d per instance)"
				.formatted(String.join(", ", running), count * perInstance, perInstance));
			this.out
				.print(GroupAssignments.awaitSettled(admin, service, count * perInstance, count, SCALE_SETTLES_WITHIN));
		}
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
	 * {@code drill <scale|broker|quorum|rolling|orders|protocols>}: a verified drill
	 * under load.
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
			case "protocols" -> new ProtocolDrill(processes, rate, this.progress, this.out::print).run();
			case "share" -> new ShareGroupDrill(processes, rate, this.progress, this.out::print).run();
			default -> throw new IllegalArgumentException(
					"drill takes one of scale, broker, quorum, rolling, orders, protocols, share");
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
		return Launcher.controlDirectory(this.options);
	}

	private URI serviceUri(String service) {
		return URI.create("http://127.0.0.1:" + this.options.portOf(service));
	}

	private Path pidDirectory() {
		return this.options.layout().pidDirectory();
	}

	private Path logDirectory() {
		return this.options.layout().logDirectory();
	}

}
