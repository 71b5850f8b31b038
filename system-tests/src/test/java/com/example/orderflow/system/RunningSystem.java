package com.example.orderflow.system;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.ClassDataSharing;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.cluster.tracing.TraceStore;
import com.example.orderflow.demo.console.Console;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.ControlChannel;
import com.example.orderflow.demo.drill.LocalProcesses;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.trace.OrderTraces;
import com.example.orderflow.testsupport.TestKafkaClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system as processes, as {@code ./demo up --secure} runs it: the real 3-node
 * KRaft cluster (SASL_SSL for clients, the ACL matrix), every service jar as its own
 * principal, Zipkin's server holding the spans they export and the web console, but on
 * free ports and in a temporary folder so it never collides with a running demo. Closing
 * it stops every process it started.
 */
final class RunningSystem implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

	/** Of traces begun in the services: Boot's default, as outside the demo. */
	private static final double SAMPLING = 0.1;

	/**
	 * How long a broker that was just started again may take to be back in every ISR (the
	 * drills' own limit).
	 */
	private static final Duration IN_SYNC_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Set to {@code true} to keep the brokers' data and every process's log after a run.
	 */
	private static final String KEEP_DATA = "orderflow.keep-system-data";

	private final LocalCluster cluster;

	private TraceStore traceStore;

	private Stack services;

	/**
	 * Answers {@code ./demo}'s commands that act through a running {@code ./demo up}
	 * (scale, kill, start, load), as the launcher does.
	 */
	private AutoCloseable controlChannel;

	/** The web console of {@code ./demo up}, on a free port. */
	private Console console;

	/** The service instances it started with, by name. */
	private List<String> startedServices = List.of();

	private RunningSystem(LocalCluster cluster) {
		this.cluster = cluster;
	}

	static RunningSystem start() throws IOException {
		Path directory = Files.createTempDirectory("orderflow-system-");
		ClusterLayout layout = ClusterLayout.withFreePorts(directory);
		Path repoRoot = Path.of(System.getProperty("orderflow.repo-root", ".."));
		CompletableFuture<Void> archives = ClassDataSharing.prepareMeanwhile(
				Stack.defaultServices(repoRoot).stream().map(ServiceProcess.Spec::jar).toList(),
				(line) -> System.out.println("[services] " + line));
		LocalCluster cluster = LocalCluster.startSecured(layout, (line) -> System.out.println("[cluster] " + line));
		RunningSystem system = new RunningSystem(cluster);
		try {
			system.traceStore = TraceStore.start(TraceStore.jarIn(repoRoot), ServiceProcess.freePort(),
					layout.logDirectory(), layout.pidDirectory());
			// Boot's 10%: the one order the suite follows, the failure drill's, is
			// sampled by its client; the rest of the load costs the suite less.
			List<String> export = TraceStore.exportArguments(system.traceStore.port(), SAMPLING);
			List<ServiceProcess.Spec> specs = Stack.defaultServices(repoRoot)
				.stream()
				.map((spec) -> spec.withPort(ServiceProcess.freePort()).with(export, Map.of()))
				.map(cluster.security().orElseThrow()::secured)
				.toList();
			archives.join();
			system.services = Stack.start(specs, cluster.layout().logDirectory(), cluster.bootstrapServers(),
					READY_TIMEOUT, (line) -> System.out.println("[services] " + line));
			system.traceStore.awaitReady(READY_TIMEOUT, (line) -> System.out.println("[traces] " + line));
			system.startedServices = runningServices(system.services);
			system.controlChannel = ControlChannel.serve(layout.dataDirectory().resolve("control"), system.processes(),
					(line) -> System.out.println("[control] " + line));
			system.console = Console.start(ServiceProcess.freePort(), system.processes(), system.traceStore.baseUri(),
					(line) -> System.out.println("[console] " + line));
		}
		catch (RuntimeException ex) {
			system.close();
			throw ex;
		}
		return system;
	}

	private static List<String> runningServices(Stack services) {
		return services.services().stream().filter(ServiceProcess::isRunning).map(ServiceProcess::name).toList();
	}

	/**
	 * What differs from the system as it started, empty if nothing: a node down or not
	 * back in every ISR, a service instance added or gone, billing's live writer not v1.
	 * What a test breaks, it restores; this is how the next test knows it did.
	 */
	List<String> changesSinceStart() {
		List<String> changes = new ArrayList<>();
		this.cluster.layout()
			.nodeIds()
			.stream()
			.filter((node) -> !this.cluster.isRunning(node))
			.forEach((node) -> changes.add("node " + node + " is down"));
		if (changes.isEmpty()) {
			try {
				this.cluster.awaitFullyReplicated(IN_SYNC_TIMEOUT);
			}
			catch (IllegalStateException ex) {
				changes.add(ex.getMessage());
			}
		}
		List<String> running = runningServices(this.services);
		if (!running.equals(this.startedServices)) {
			changes.add("service instances " + running + ", not " + this.startedServices);
		}
		if (running.contains(Stack.BILLING)) {
			String live = new BillingLiveWriter(service(Stack.BILLING).baseUri(), service(Stack.BILLING_V2).baseUri())
				.liveVersion();
			if (!"v1".equals(live)) {
				changes.add("billing's live writer is " + live + ", not v1");
			}
		}
		return changes;
	}

	/**
	 * The drills' hold on this system's processes: brokers to kill and start, service
	 * instances to add and kill.
	 */
	SystemProcesses processes() {
		return new LocalProcesses(this.cluster, this.services, (line) -> System.out.println("[processes] " + line));
	}

	String bootstrapServers() {
		return this.cluster.bootstrapServers();
	}

	/**
	 * The bootstrap servers and the admin principal's settings: a client that reads all.
	 */
	Map<String, Object> clientProperties() {
		return this.cluster.clientProperties();
	}

	/** The clients of the tests, as the admin principal: they may read every topic. */
	TestKafkaClients kafka() {
		return new TestKafkaClients(bootstrapServers(), this.cluster.adminClientProperties());
	}

	/** The clients of the tests as one principal of the ACL matrix, such as orders. */
	TestKafkaClients kafkaAs(String principal) {
		return new TestKafkaClients(bootstrapServers(),
				this.cluster.security().orElseThrow().clientProperties(principal));
	}

	/**
	 * The options that point {@code ./demo}'s commands at this system instead of a demo
	 * on the default ports: its data folder (secured mode's secrets are found there), the
	 * cluster's ports, each service's port and Zipkin's.
	 */
	List<String> demoOptions() {
		ClusterLayout layout = this.cluster.layout();
		List<String> options = new ArrayList<>(List.of("--data", layout.dataDirectory().toString(), "--kafka-port",
				Integer.toString(layout.firstBrokerPort()), "--controller-port",
				Integer.toString(layout.firstControllerPort()), "--zipkin-port",
				Integer.toString(this.traceStore.port())));
		// The instances it started with; one a test added (fraud-service-2) has no
		// option.
		for (ServiceProcess service : services()) {
			if (service.name().matches(".*-\\d+")) {
				continue;
			}
			options.add("--" + service.name().replace("-service", "") + "-port");
			options.add(Integer.toString(service.port()));
		}
		return options;
	}

	/** The traces the services of this system export: a tenth, and every sampled one. */
	OrderTraces traces() {
		return new OrderTraces(this.traceStore.baseUri());
	}

	ServiceProcess service(String name) {
		return this.services.service(name);
	}

	List<ServiceProcess> services() {
		return this.services.services();
	}

	/**
	 * No process was refused anything (no authorization or authentication error in any
	 * log), no log holds a password, and the services' clients said at start that they
	 * speak SASL_SSL. {@link SharedSystem} checks it after each class's tests, whatever
	 * the order the classes run in.
	 */
	void assertNoRefusalAndNoSecretInLogs() throws IOException {
		ClusterSecurity security = this.cluster.security().orElseThrow();
		StringBuilder logs = new StringBuilder();
		try (Stream<Path> files = Files.list(this.cluster.layout().logDirectory())) {
			for (Path file : files.toList()) {
				logs.append(Files.readString(file, StandardCharsets.UTF_8));
			}
		}
		String all = logs.toString();
		assertThat(all).doesNotContain("AuthorizationException").doesNotContain("AuthenticationException");
		assertThat(security.allPasswords()).allSatisfy((password) -> assertThat(all).doesNotContain(password));
		assertThat(all).contains("security.protocol = SASL_SSL");
	}

	/** Every process this system started: the services and the three brokers. */
	List<Long> pids() {
		List<Long> pids = new ArrayList<>();
		this.services.services().forEach((service) -> pids.add(service.pid()));
		this.cluster.layout().nodeIds().forEach((node) -> pids.add(this.cluster.pid(node)));
		if (this.traceStore != null) {
			pids.add(this.traceStore.pid());
		}
		return pids;
	}

	/**
	 * Stops every process of a system and checks that none is left, nor any other child
	 * of this JVM (an instance a drill started and lost track of). Does nothing for a
	 * system that never started.
	 */
	static void stopAndCheckNothingIsLeft(RunningSystem system) {
		if (system == null) {
			return;
		}
		List<Long> pids = new ArrayList<>(system.pids());
		ProcessHandle.current().descendants().forEach((process) -> pids.add(process.pid()));
		system.close();
		await().atMost(Duration.ofMinutes(1))
			.untilAsserted(() -> assertThat(pids)
				.noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
	}

	/** The web console's page, as {@code ./demo up} serves it. */
	URI consoleUri() {
		return this.console.uri();
	}

	/** Stops the services, then the cluster, then deletes the temporary folder. */
	@Override
	public void close() {
		if (this.console != null) {
			this.console.close();
		}
		if (this.controlChannel != null) {
			try {
				this.controlChannel.close();
			}
			catch (Exception ex) {
				System.out.println("[system] control channel: " + ex.getMessage());
			}
		}
		if (this.services != null) {
			this.services.close();
		}
		if (this.traceStore != null) {
			this.traceStore.close();
		}
		this.cluster.close();
		Path directory = this.cluster.layout().dataDirectory();
		if (Boolean.getBoolean(KEEP_DATA)) {
			System.out.println("[system] data and logs kept in " + directory);
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			System.out.println("[system] could not delete " + directory + ": " + ex.getMessage());
		}
		System.out.println("[system] deleted " + directory + " (-D" + KEEP_DATA + "=true keeps it)");
	}

}
