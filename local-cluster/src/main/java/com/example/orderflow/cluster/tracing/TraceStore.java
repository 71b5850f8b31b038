package com.example.orderflow.cluster.tracing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.example.orderflow.cluster.ParentWatch;
import com.example.orderflow.cluster.process.HealthProbe;
import com.example.orderflow.cluster.process.LogTail;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;

/**
 * Zipkin's server as one more local process: the trace store and UI of {@code ./demo up}
 * and of the system tests. It runs Zipkin's executable jar (which the build copies to
 * {@code local-cluster/target/zipkin}) under {@link ParentWatch}, so it never outlives
 * the JVM that started it, listens on a loopback port only and keeps spans in memory,
 * bounded by {@value #MAX_SPANS} spans (the oldest traces go first).
 */
public final class TraceStore implements AutoCloseable {

	/** The name of its log and PID file. */
	public static final String NAME = "zipkin";

	/** Zipkin's own default port. */
	public static final int DEFAULT_PORT = 9411;

	/**
	 * About 10,000 orders of about a dozen spans each: enough for a demo's hour at 25
	 * orders/s or for the whole test suite, within its 256 MB heap.
	 */
	static final int MAX_SPANS = 120_000;

	private static final Duration STOP_GRACE = Duration.ofSeconds(10);

	private static final Duration POLL = Duration.ofMillis(250);

	private final Process process;

	private final int port;

	private final Path logFile;

	private final PidFile pidFile;

	private TraceStore(Process process, int port, Path logFile, PidFile pidFile) {
		this.process = process;
		this.port = port;
		this.logFile = logFile;
		this.pidFile = pidFile;
	}

	/** Where the build puts Zipkin's executable jar. */
	public static Path jarIn(Path repoRoot) {
		return repoRoot.resolve("local-cluster").resolve("target").resolve("zipkin").resolve("zipkin-server-exec.jar");
	}

	/**
	 * Starts Zipkin and returns at once, so that it starts beside the services; see
	 * {@link #awaitReady(Duration, Consumer)}.
	 * @param jar Zipkin's executable jar, see {@link #jarIn(Path)}
	 * @param port its HTTP port on 127.0.0.1
	 * @param logDirectory where {@code zipkin.log} goes
	 * @param pidDirectory where {@code zipkin.pid} goes
	 */
	public static TraceStore start(Path jar, int port, Path logDirectory, Path pidDirectory) {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(
					"No Zipkin server at " + jar + ": build first (./mvnw -DskipTests package copies it there)");
		}
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+ExitOnOutOfMemoryError");
		// Zipkin's jar first: its Spring Boot launcher finds its nested jars through its
		// own code source. ParentWatch, from this launcher's class path, runs it.
		command.add("-cp");
		command.add(jar.toAbsolutePath() + File.pathSeparator + codeSourceOf(ParentWatch.class));
		command.add(ParentWatch.class.getName());
		command.add(Long.toString(ProcessHandle.current().pid()));
		command.add("org.springframework.boot.loader.launch.JarLauncher");
		// Loopback only: Zipkin's server (Armeria) listens on every address otherwise.
		command.add("--armeria.ports[0].ip=127.0.0.1");
		command.add("--armeria.ports[0].port=" + port);
		command.add("--armeria.ports[0].protocols=http");
		command.add("--zipkin.storage.type=mem");
		command.add("--zipkin.storage.mem.max-spans=" + MAX_SPANS);
		Path logFile = logDirectory.toAbsolutePath().resolve(NAME + ".log");
		try {
			Files.createDirectories(logDirectory);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(logFile.toFile())
				.start();
			PidFile pidFile = PidFile.of(pidDirectory, NAME);
			pidFile.write(process.toHandle());
			return new TraceStore(process, port, logFile, pidFile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start Zipkin", ex);
		}
	}

	private static String codeSourceOf(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("No file for the code source of " + type, ex);
		}
	}

	/**
	 * Returns when Zipkin answers on {@code /health}.
	 * @throws IllegalStateException with the end of its log if it exits first or the
	 * timeout passes
	 */
	public void awaitReady(Duration timeout, Consumer<String> progress) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!isHealthy(this.port)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Zipkin exited with code " + this.process.exitValue() + "; the end of "
						+ this.logFile + ":\n" + LogTail.of(this.logFile, 30));
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Zipkin was not ready after " + timeout + "; the end of " + this.logFile
						+ ":\n" + LogTail.of(this.logFile, 30));
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
		progress.accept("zipkin ready on " + uiUri() + " (pid " + pid() + ")");
	}

	/** Whether a Zipkin server answers UP on this loopback port. */
	public static boolean isHealthy(int port) {
		return HealthProbe.isUp(baseUri(port).resolve("/health"));
	}

	/**
	 * The arguments that make a service export every span to the store on this port:
	 * Boot's Zipkin reporter (asynchronous, its queue bounded: a store that is down costs
	 * only the spans), and 100% sampling, as the demo wants every order's trace.
	 */
	public static List<String> exportArguments(int port) {
		return exportArguments(port, 1.0);
	}

	/**
	 * The same with another sampling probability: a trace whose caller sampled it (the
	 * {@code traceparent}'s flag) is exported whatever it is.
	 */
	public static List<String> exportArguments(int port, double sampling) {
		return List.of("--management.tracing.export.zipkin.enabled=true",
				"--management.tracing.export.zipkin.endpoint=" + baseUri(port).resolve("/api/v2/spans"),
				"--management.tracing.sampling.probability=" + sampling);
	}

	static URI baseUri(int port) {
		return URI.create("http://127.0.0.1:" + port);
	}

	/** Zipkin's UI. */
	public URI uiUri() {
		return baseUri(this.port).resolve("/zipkin/");
	}

	/** Where its HTTP API and UI are: {@code http://127.0.0.1:<port>}. */
	public URI baseUri() {
		return baseUri(this.port);
	}

	public int port() {
		return this.port;
	}

	public long pid() {
		return this.process.pid();
	}

	public Path logFile() {
		return this.logFile;
	}

	/** SIGTERM, SIGKILL after 10 s; the spans it held are gone. */
	@Override
	public void close() {
		Termination.together(List.of(this.process.toHandle()), STOP_GRACE);
		this.pidFile.delete();
	}

}
