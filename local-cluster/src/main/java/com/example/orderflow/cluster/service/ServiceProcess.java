package com.example.orderflow.cluster.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.process.HealthProbe;
import com.example.orderflow.cluster.process.LogTail;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;

/**
 * One service jar running as a child process:
 * {@code java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError [-XX:SharedArchiveFile=...] -jar <jar> --server.port=... --spring.kafka.bootstrap-servers=...
 * --orderflow.instance-id=<name> --orderflow.parent-pid=<this JVM> <extra>}, its output
 * in {@code <logs>/<name>.log} and its PID in {@code <logs>/../pids/<name>.pid}.
 */
public final class ServiceProcess {

	/** How long a service may take to shut down on SIGTERM before it gets SIGKILL. */
	static final Duration STOP_GRACE = Duration.ofSeconds(20);

	/** A service's readiness probe: UP while its listener containers consume. */
	public static final String READINESS = "/actuator/health/readiness";

	private static final Duration POLL = Duration.ofMillis(250);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Spec spec;

	private final Process process;

	private final Path logFile;

	private final PidFile pidFile;

	private final long startedAt = System.nanoTime();

	private ServiceProcess(Spec spec, Process process, Path logFile, PidFile pidFile) {
		this.spec = spec;
		this.process = process;
		this.logFile = logFile;
		this.pidFile = pidFile;
	}

	/**
	 * Starts a service and returns at once; see {@link #awaitReady(Duration)}.
	 * @param spec what to run
	 * @param logDirectory where {@code <name>.log} goes; PID files go to its sibling
	 * {@code pids}
	 * @param bootstrapServers the cluster the service talks to
	 */
	public static ServiceProcess start(Spec spec, Path logDirectory, String bootstrapServers) {
		Path logDirectoryPath = logDirectory.toAbsolutePath();
		return start(spec, logDirectoryPath, logDirectoryPath.resolveSibling("pids"), bootstrapServers);
	}

	/** Starts a service with its PID file in {@code pidDirectory}. */
	public static ServiceProcess start(Spec spec, Path logDirectory, Path pidDirectory, String bootstrapServers) {
		if (!Files.isRegularFile(spec.jar())) {
			throw new IllegalStateException("No jar for " + spec.name() + " at " + spec.jar()
					+ ": build it first (./mvnw -DskipTests package)");
		}
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(ClassDataSharing.launch(spec.jar()));
		command.add("--server.port=" + spec.port());
		command.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
		command.add("--orderflow.instance-id=" + spec.name());
		command.add("--orderflow.parent-pid=" + ProcessHandle.current().pid());
		command.addAll(spec.extraArgs());
		Path logFile = logDirectory.resolve(spec.name() + ".log");
		try {
			Files.createDirectories(logDirectory);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(logFile.toFile());
			// Secrets go through the environment: ps shows the command line to everyone.
			builder.environment().putAll(spec.environment());
			Process process = builder.start();
			PidFile pidFile = PidFile.of(pidDirectory, spec.name());
			pidFile.write(process.toHandle());
			return new ServiceProcess(spec, process, logFile, pidFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + spec.name(), ex);
		}
	}

	/**
	 * Waits until {@code /actuator/health/readiness} answers UP.
	 * @throws IllegalStateException with the end of the log if the process exits first or
	 * the timeout passes
	 */
	public void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!isReady()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(this.spec.name() + " was not ready after " + timeout + "; the end of "
						+ this.logFile + ":\n" + LogTail.of(this.logFile, 30));
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	/**
	 * One look at the readiness probe.
	 * @throws IllegalStateException with the end of the log if the process has exited
	 */
	public boolean isReady() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException(this.spec.name() + " exited with code " + this.process.exitValue()
					+ "; the end of " + this.logFile + ":\n" + LogTail.of(this.logFile, 30));
		}
		return isReadyAt(this.spec.port());
	}

	/** Its metrics in Prometheus' text format ({@code /actuator/prometheus}). */
	public String metrics() {
		URI prometheus = URI.create("http://127.0.0.1:" + this.spec.port() + "/actuator/prometheus");
		HttpRequest request = HttpRequest.newBuilder(prometheus).timeout(Duration.ofSeconds(10)).GET().build();
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No metrics from " + this.spec.name(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Whether whatever listens on a loopback port answers UP on its readiness probe. */
	public static boolean isReadyAt(int port) {
		return HealthProbe.isUp(URI.create("http://127.0.0.1:" + port + READINESS));
	}

	/** SIGTERM, so Spring shuts down gracefully; SIGKILL if it takes longer than 20 s. */
	public void stop() {
		stopTogether(List.of(this));
	}

	/**
	 * {@link #stop()} of several at once: their graceful shutdowns overlap (each takes a
	 * second or two), and members of one group leave it in one rebalance, not one each.
	 */
	public static void stopTogether(Collection<ServiceProcess> services) {
		Termination.together(services.stream().map(ServiceProcess::handle).toList(), STOP_GRACE);
		services.forEach((service) -> service.pidFile().delete());
	}

	/** {@code kill -9}: no graceful shutdown, no offsets committed on the way out. */
	public void kill() {
		Termination.kill(this.process);
		this.pidFile.delete();
	}

	public boolean isRunning() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	public int port() {
		return this.spec.port();
	}

	public String name() {
		return this.spec.name();
	}

	public Spec spec() {
		return this.spec;
	}

	public Path logFile() {
		return this.logFile;
	}

	ProcessHandle handle() {
		return this.process.toHandle();
	}

	PidFile pidFile() {
		return this.pidFile;
	}

	/** Seconds since the process was started. */
	double secondsSinceStart() {
		return (System.nanoTime() - this.startedAt) / 1e9;
	}

	/** A loopback port free right now, for an instance's HTTP port. */
	/** Whether nothing listens on this loopback port now. */
	public static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public URI baseUri() {
		return URI.create("http://127.0.0.1:" + this.spec.port());
	}

	/**
	 * What to run.
	 *
	 * @param name the instance name: log and PID file name,
	 * {@code --orderflow.instance-id}
	 * @param jar the Spring Boot jar
	 * @param port the HTTP port
	 * @param extraArgs more arguments for the application, such as
	 * {@code --billing.version=v2}
	 * @param environment variables added to the process's environment, such as the
	 * credentials of secured mode
	 */
	public record Spec(String name, Path jar, int port, List<String> extraArgs, Map<String, String> environment) {

		public Spec {
			extraArgs = List.copyOf(extraArgs);
			environment = Map.copyOf(environment);
		}

		public Spec(String name, Path jar, int port, List<String> extraArgs) {
			this(name, jar, port, extraArgs, Map.of());
		}

		public Spec withPort(int port) {
			return new Spec(this.name, this.jar, port, this.extraArgs, this.environment);
		}

		/** The same service with more arguments and environment variables. */
		public Spec with(List<String> moreArgs, Map<String, String> moreEnvironment) {
			List<String> arguments = new ArrayList<>(this.extraArgs);
			arguments.addAll(moreArgs);
			Map<String, String> environment = new LinkedHashMap<>(this.environment);
			environment.putAll(moreEnvironment);
			return new Spec(this.name, this.jar, this.port, arguments, environment);
		}

		@Override
		public String toString() {
			// The environment's names only: its values may be passwords.
			return "Spec[name=" + this.name + ", jar=" + this.jar + ", port=" + this.port + ", extraArgs="
					+ this.extraArgs + ", environment=" + this.environment.keySet() + "]";
		}

	}

}
