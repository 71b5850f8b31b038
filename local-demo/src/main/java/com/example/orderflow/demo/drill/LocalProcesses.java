package com.example.orderflow.demo.drill;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;

/** The cluster and the services that this JVM started. */
public final class LocalProcesses implements SystemProcesses {

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

	private static final int MAX_INSTANCES = 12;

	private final LocalCluster cluster;

	private final Stack stack;

	private final Consumer<String> progress;

	/** Where the second orders-service listens, if it has a port of its own. */
	private final OptionalInt secondOrdersPort;

	/**
	 * @param stack the services, or null where only the cluster runs
	 */
	public LocalProcesses(LocalCluster cluster, Stack stack, Consumer<String> progress) {
		this(cluster, stack, OptionalInt.empty(), progress);
	}

	/**
	 * @param stack the services, or null where only the cluster runs
	 * @param secondOrdersPort the port of the second orders-service; if empty, a free one
	 */
	public LocalProcesses(LocalCluster cluster, Stack stack, OptionalInt secondOrdersPort, Consumer<String> progress) {
		this.cluster = cluster;
		this.stack = stack;
		this.secondOrdersPort = secondOrdersPort;
		this.progress = progress;
	}

	@Override
	public Map<String, Object> clientProperties() {
		return this.cluster.clientProperties();
	}

	@Override
	public URI serviceUri(String instance) {
		return stack().service(instance).baseUri();
	}

	private Stack stack() {
		if (this.stack == null) {
			throw new IllegalStateException("Only the cluster runs here, no services (./demo cluster)");
		}
		return this.stack;
	}

	@Override
	public void killBroker(int node) {
		this.cluster.killNode(node);
	}

	@Override
	public void stopBroker(int node) {
		this.cluster.stopNode(node);
	}

	@Override
	public void startBroker(int node) {
		this.cluster.startNode(node);
	}

	@Override
	public List<String> instances(String service) {
		return stack().instancesOf(service).stream().map(ServiceProcess::name).toList();
	}

	@Override
	public synchronized List<String> scale(String service, int count) {
		if (count < 1 || count > MAX_INSTANCES) {
			throw new IllegalArgumentException("Run 1 to " + MAX_INSTANCES + " instances, not " + count);
		}
		List<ServiceProcess> running = new ArrayList<>(stack().instancesOf(service));
		if (running.isEmpty()) {
			throw new IllegalStateException("No instance of " + service + " runs");
		}
		if (running.size() > count) {
			List<ServiceProcess> newestFirst = running.stream()
				.filter((instance) -> !instance.name().equals(service))
				.sorted(Comparator.comparingInt((ServiceProcess instance) -> number(service, instance.name()))
					.reversed())
				.limit(running.size() - count)
				.toList();
			ServiceProcess.stopTogether(newestFirst);
			newestFirst.forEach((instance) -> this.stack.forget(instance.name()));
			this.progress.accept("stopped %s together (SIGTERM: each leaves its group at once)"
				.formatted(newestFirst.stream().map(ServiceProcess::name).toList()));
		}
		else if (running.size() < count) {
			Set<Integer> taken = running.stream()
				.map((instance) -> number(service, instance.name()))
				.collect(Collectors.toSet());
			List<ServiceProcess> started = new ArrayList<>();
			for (int number = 2; started.size() < count - running.size(); number++) {
				if (!taken.contains(number)) {
					started.add(this.stack.startInstance(service, number, portFor(service, number), List.of()));
				}
			}
			this.progress.accept("started %s, waiting until each is ready"
				.formatted(started.stream().map((instance) -> instance.name() + " :" + instance.port()).toList()));
			long began = System.nanoTime();
			for (ServiceProcess instance : started) {
				instance.awaitReady(READY_TIMEOUT);
			}
			this.progress.accept("%d new instance(s) ready after %.1f s".formatted(started.size(),
					(System.nanoTime() - began) / 1e9));
		}
		return instances(service);
	}

	@Override
	public void killInstance(String instance) {
		ServiceProcess process = stack().service(instance);
		process.kill();
		this.stack.forget(instance);
		this.progress.accept(instance + " killed (kill -9, pid " + process.pid() + ")");
	}

	@Override
	public double killAndRestart(String instance) {
		long killed = System.nanoTime();
		ServiceProcess restarted = stack().killAndRestart(instance, READY_TIMEOUT, this.progress);
		double seconds = (System.nanoTime() - killed) / 1e9;
		this.progress.accept("%s killed (kill -9), started again as pid %d and ready %.1f s after the kill"
			.formatted(instance, restarted.pid(), seconds));
		return seconds;
	}

	/**
	 * The second orders-service listens on its own port (8088 in the demo); every other
	 * instance on a free port.
	 * @throws IllegalStateException if that port is taken
	 */
	private int portFor(String service, int number) {
		if (service.equals(Stack.ORDERS) && number == 2 && this.secondOrdersPort.isPresent()) {
			int port = this.secondOrdersPort.getAsInt();
			if (!ServiceProcess.isFree(port)) {
				throw new IllegalStateException("Port " + port + " of the second " + Stack.ORDERS
						+ " is taken: free it, or move it with --orders-2-port");
			}
			return port;
		}
		return ServiceProcess.freePort();
	}

	/** 1 for the default instance, n for {@code <service>-n}. */
	static int number(String service, String instance) {
		return instance.equals(service) ? 1 : Integer.parseInt(instance.substring(service.length() + 1));
	}

}
