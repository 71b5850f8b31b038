package com.example.orderflow.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.drill.LocalProcesses;
import com.example.orderflow.cluster.drill.SystemProcesses;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system as processes, as {@code ./demo up} runs it: the real 3-node KRaft
 * cluster and every service jar, but on free ports and in a temporary folder so it never
 * collides with a running demo. Closing it stops every process it started.
 */
final class RunningSystem implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

	/**
	 * Set to {@code true} to keep the brokers' data and every process's log after a run.
	 */
	private static final String KEEP_DATA = "orderflow.keep-system-data";

	private final LocalCluster cluster;

	private Stack services;

	private RunningSystem(LocalCluster cluster) {
		this.cluster = cluster;
	}

	static RunningSystem start() throws IOException {
		return start(false);
	}

	/**
	 * The system in secured mode: TLS, one SCRAM principal per service, the ACL matrix
	 * ({@code ./demo up --secure}).
	 */
	static RunningSystem startSecured() throws IOException {
		return start(true);
	}

	private static RunningSystem start(boolean secured) throws IOException {
		Path directory = Files.createTempDirectory("orderflow-system-");
		LocalCluster.Layout layout = LocalCluster.Layout.withFreePorts(directory);
		Consumer<String> progress = (line) -> System.out.println("[cluster] " + line);
		LocalCluster cluster = secured ? LocalCluster.startSecured(layout, progress)
				: LocalCluster.start(layout, progress);
		RunningSystem system = new RunningSystem(cluster);
		try {
			Path repoRoot = Path.of(System.getProperty("orderflow.repo-root", ".."));
			List<ServiceProcess.Spec> specs = Stack.defaultServices(repoRoot)
				.stream()
				.map((spec) -> spec.withPort(freePort()))
				.map((spec) -> cluster.security().map((security) -> security.secured(spec)).orElse(spec))
				.toList();
			system.services = Stack.start(specs, cluster.layout().logDirectory(), cluster.bootstrapServers(),
					READY_TIMEOUT, (line) -> System.out.println("[services] " + line));
		}
		catch (RuntimeException ex) {
			system.close();
			throw ex;
		}
		return system;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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

	/** The cluster, for what a secured system's tests need of it: its security. */
	LocalCluster cluster() {
		return this.cluster;
	}

	ServiceProcess service(String name) {
		return this.services.service(name);
	}

	List<ServiceProcess> services() {
		return this.services.services();
	}

	/** Every process this system started: the services and the three brokers. */
	List<Long> pids() {
		List<Long> pids = new ArrayList<>();
		this.services.services().forEach((service) -> pids.add(service.pid()));
		this.cluster.layout().nodeIds().forEach((node) -> pids.add(this.cluster.pid(node)));
		return pids;
	}

	/**
	 * Stops every process of a system and checks that none is left: the last step of
	 * every system test class. Does nothing for a system that never started.
	 */
	static void stopAndCheckNothingIsLeft(RunningSystem system) {
		if (system == null) {
			return;
		}
		List<Long> pids = system.pids();
		system.close();
		await().atMost(Duration.ofMinutes(1))
			.untilAsserted(() -> assertThat(pids)
				.noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
	}

	/** Stops the services, then the cluster, then deletes the temporary folder. */
	@Override
	public void close() {
		if (this.services != null) {
			this.services.close();
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
