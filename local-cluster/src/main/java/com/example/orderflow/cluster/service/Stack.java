package com.example.orderflow.cluster.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.example.orderflow.cluster.process.Termination;

/**
 * The services of orderflow as one set of processes: started together, ready together,
 * stopped together.
 */
public final class Stack implements AutoCloseable {

	public static final String ORDERS = "orders-service";

	public static final String BILLING = "billing-service";

	/** The billing jar again, as the shadow version with its own group. */
	public static final String BILLING_V2 = "billing-v2";

	/**
	 * The billing jar as v2 in the live role: group billing-v2-live, writes invoices, but
	 * consumes only after a cut-over made v2 the live writer; on standby until then.
	 */
	public static final String BILLING_V2_LIVE = "billing-v2-live";

	public static final String SHIPPING = "shipping-service";

	public static final String FRAUD = "fraud-service";

	public static final String NOTIFICATION = "notification-service";

	/** Every service, in the README's order. */
	public static final List<String> SERVICES = List.of(ORDERS, BILLING, BILLING_V2, BILLING_V2_LIVE, SHIPPING, FRAUD,
			NOTIFICATION);

	/**
	 * Orders on base + 1, then billing, billing-v2, shipping, fraud, notification, and
	 * billing-v2-live on base + 7.
	 */
	public static final int DEFAULT_PORT_BASE = 8080;

	private static final String VERSION = "0.1.0-SNAPSHOT";

	private static final Duration STILL_WAITING = Duration.ofSeconds(10);

	private static final Duration POLL = Duration.ofMillis(250);

	private final Map<String, ServiceProcess> services;

	/** Each service as it was first started, which a restart starts from. */
	private final Map<String, ServiceProcess.Spec> startedAs = new LinkedHashMap<>();

	private final Path logDirectory;

	private final String bootstrapServers;

	private Stack(Map<String, ServiceProcess> services, Path logDirectory, String bootstrapServers) {
		this.services = services;
		this.logDirectory = logDirectory;
		this.bootstrapServers = bootstrapServers;
	}

	/** Every service with its default port (8081 to 8087). */
	public static List<ServiceProcess.Spec> defaultServices(Path repoRoot) {
		return defaultServices(repoRoot, DEFAULT_PORT_BASE);
	}

	/**
	 * Every service, ports counted from {@code portBase}: orders on {@code portBase + 1}
	 * up to notification on {@code portBase + 6}, billing-v2-live on
	 * {@code portBase + 7}. Change a single port with
	 * {@link ServiceProcess.Spec#withPort(int)}.
	 * @param repoRoot the directory with the service modules, whose jars are in
	 * {@code <module>/target}
	 */
	public static List<ServiceProcess.Spec> defaultServices(Path repoRoot, int portBase) {
		return List.of(spec(repoRoot, ORDERS, ORDERS, portBase + 1), spec(repoRoot, BILLING, BILLING, portBase + 2),
				spec(repoRoot, BILLING_V2, BILLING, portBase + 3, "--billing.version=v2", "--billing.role=shadow",
						"--billing.comparison.enabled=true"),
				spec(repoRoot, SHIPPING, SHIPPING, portBase + 4), spec(repoRoot, FRAUD, FRAUD, portBase + 5),
				spec(repoRoot, NOTIFICATION, NOTIFICATION, portBase + 6),
				spec(repoRoot, BILLING_V2_LIVE, BILLING, portBase + 7, "--billing.version=v2", "--billing.role=live"));
	}

	/** The jar that {@code ./mvnw package} builds for a module. */
	public static Path jarOf(Path repoRoot, String module) {
		return repoRoot.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar");
	}

	private static ServiceProcess.Spec spec(Path repoRoot, String name, String module, int port, String... extraArgs) {
		return new ServiceProcess.Spec(name, jarOf(repoRoot, module), port, List.of(extraArgs));
	}

	/**
	 * Starts all services at once and returns when every one is ready. If one fails or
	 * the timeout passes, all are stopped again.
	 */
	public static Stack start(List<ServiceProcess.Spec> specs, Path logDirectory, String bootstrapServers,
			Duration timeout, Consumer<String> progress) {
		Map<String, ServiceProcess> services = new LinkedHashMap<>();
		Stack stack = new Stack(services, logDirectory, bootstrapServers);
		ClassDataSharing.prepare(specs.stream().map(ServiceProcess.Spec::jar).toList(), progress);
		try {
			for (ServiceProcess.Spec spec : specs) {
				services.put(spec.name(), ServiceProcess.start(spec, logDirectory, bootstrapServers));
				stack.startedAs.put(spec.name(), spec);
			}
			progress.accept("started %d services, waiting until each is ready: logs in %s".formatted(specs.size(),
					logDirectory));
			stack.awaitReady(timeout, progress);
		}
		catch (RuntimeException ex) {
			stack.close();
			throw ex;
		}
		return stack;
	}

	private void awaitReady(Duration timeout, Consumer<String> progress) {
		awaitReady(services(), timeout, progress);
	}

	private static void awaitReady(List<ServiceProcess> services, Duration timeout, Consumer<String> progress) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		long nextNote = started + STILL_WAITING.toNanos();
		List<ServiceProcess> waiting = new ArrayList<>(services);
		while (!waiting.isEmpty()) {
			for (ServiceProcess service : List.copyOf(waiting)) {
				if (service.isReady()) {
					waiting.remove(service);
					progress.accept("%s ready after %.1f s on %s".formatted(service.name(), service.secondsSinceStart(),
							service.baseUri()));
				}
			}
			if (waiting.isEmpty()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Not ready after " + timeout + ": " + names(waiting) + "; see " + waiting.get(0).logFile());
			}
			if (System.nanoTime() > nextNote) {
				nextNote = System.nanoTime() + STILL_WAITING.toNanos();
				progress.accept(
						"still waiting for %s (%.0f s)".formatted(names(waiting), (System.nanoTime() - started) / 1e9));
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

	private static String names(List<ServiceProcess> services) {
		return String.join(", ", services.stream().map(ServiceProcess::name).toList());
	}

	public List<ServiceProcess> services() {
		synchronized (this.services) {
			return List.copyOf(this.services.values());
		}
	}

	public ServiceProcess service(String name) {
		synchronized (this.services) {
			ServiceProcess service = this.services.get(name);
			if (service == null) {
				throw new IllegalArgumentException("No service " + name + " in " + this.services.keySet());
			}
			return service;
		}
	}

	/**
	 * Every running instance of a service: the one of {@link #defaultServices} and those
	 * of {@link #startInstance}, named {@code <service>-<n>}.
	 */
	public List<ServiceProcess> instancesOf(String service) {
		Pattern extra = Pattern.compile(Pattern.quote(service) + "-\\d+");
		synchronized (this.services) {
			return this.services.values()
				.stream()
				.filter((instance) -> instance.name().equals(service) || extra.matcher(instance.name()).matches())
				.filter(ServiceProcess::isRunning)
				.toList();
		}
	}

	/**
	 * Starts one more instance of a running service, returning at once: the same jar and
	 * arguments, its own port, instance id and log file, so it joins the same consumer
	 * group as another member (and its producer has its own transactional id).
	 * @param service the name of a service of this stack
	 * @param number the instance number, 2 and up: the instance is named
	 * {@code <service>-<number>}
	 * @param port its HTTP port
	 * @param extraArgs arguments added to the service's own
	 */
	public ServiceProcess startInstance(String service, int number, int port, List<String> extraArgs) {
		ServiceProcess.Spec base = service(service).spec();
		List<String> arguments = new ArrayList<>(base.extraArgs());
		arguments.addAll(extraArgs);
		// The same environment: an extra instance is the same principal.
		ServiceProcess.Spec spec = new ServiceProcess.Spec(service + "-" + number, base.jar(), port, arguments,
				base.environment());
		synchronized (this.services) {
			if (this.services.containsKey(spec.name()) && this.services.get(spec.name()).isRunning()) {
				throw new IllegalStateException(spec.name() + " is already running");
			}
			ServiceProcess instance = ServiceProcess.start(spec, this.logDirectory, this.bootstrapServers);
			this.services.put(spec.name(), instance);
			return instance;
		}
	}

	/**
	 * Stops services together and starts each again as the same instance (name, port,
	 * instance id, environment) with more arguments, such as another setting of one
	 * property, and returns when all are ready. The arguments are added to those the
	 * service was first started with, not to an earlier restart's. Each one's log so far
	 * is kept as {@code <name>.<n>.log}, the first free n.
	 * @param names services of this stack
	 * @param moreArgs added to each service's own arguments
	 */
	public List<ServiceProcess> restart(List<String> names, List<String> moreArgs, Duration timeout,
			Consumer<String> progress) {
		return startAgain(names, moreArgs, (old) -> Termination.together(old, ServiceProcess.STOP_GRACE), timeout,
				progress);
	}

	/**
	 * {@code kill -9} of one service, then its start again as the same instance (name,
	 * port, instance id), as a supervisor restarts a crashed process; returns when it is
	 * ready.
	 */
	public ServiceProcess killAndRestart(String name, Duration timeout, Consumer<String> progress) {
		return startAgain(List.of(name), List.of(), (old) -> old.forEach(ProcessHandle::destroyForcibly), timeout,
				progress)
			.get(0);
	}

	private List<ServiceProcess> startAgain(List<String> names, List<String> moreArgs,
			Consumer<List<ProcessHandle>> end, Duration timeout, Consumer<String> progress) {
		List<ServiceProcess> restarted = new ArrayList<>();
		synchronized (this.services) {
			List<ServiceProcess> old = names.stream().map(this::service).toList();
			List<ProcessHandle> handles = old.stream().map(ServiceProcess::handle).toList();
			end.accept(handles);
			handles.forEach((handle) -> handle.onExit().join());
			for (ServiceProcess service : old) {
				service.pidFile().delete();
				keepLog(service.logFile());
				ServiceProcess.Spec spec = this.startedAs.getOrDefault(service.name(), service.spec())
					.with(moreArgs, Map.of());
				ServiceProcess started = ServiceProcess.start(spec, this.logDirectory, this.bootstrapServers);
				this.services.put(spec.name(), started);
				restarted.add(started);
			}
		}
		progress.accept("restarted %s%s, waiting until each is ready".formatted(names(restarted),
				moreArgs.isEmpty() ? "" : " with " + moreArgs));
		awaitReady(restarted, timeout, progress);
		return restarted;
	}

	private static void keepLog(Path logFile) {
		String name = logFile.getFileName().toString().replaceFirst("\\.log$", "");
		for (int n = 1;; n++) {
			Path kept = logFile.resolveSibling(name + "." + n + ".log");
			if (!Files.exists(kept)) {
				try {
					Files.move(logFile, kept);
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Could not keep " + logFile, ex);
				}
				return;
			}
		}
	}

	/** Forgets an instance that was stopped or killed, so it is no longer listed. */
	public void forget(String name) {
		synchronized (this.services) {
			ServiceProcess instance = this.services.get(name);
			if (instance != null && instance.isRunning()) {
				throw new IllegalStateException(name + " still runs: stop it first");
			}
			this.services.remove(name);
		}
	}

	/** SIGTERM to every service at once, SIGKILL after 20 s for any still running. */
	@Override
	public void close() {
		ServiceProcess.stopTogether(services());
	}

}
