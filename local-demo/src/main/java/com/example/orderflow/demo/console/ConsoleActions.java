package com.example.orderflow.demo.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.console.ConsoleView.LoadView;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.ControlChannel;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.status.ClusterSnapshot;
import com.example.orderflow.demo.status.ClusterStatus;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import tools.jackson.databind.JsonNode;

/**
 * What the page's buttons do, each through the code the CLI runs for it: the control
 * channel's requests for processes and brokers ({@code ./demo scale}, {@code kill},
 * {@code start}), {@link OrdersClient} and {@link OrderLoad} for orders
 * ({@code ./demo orders}, {@code load}), {@link BillingLiveWriter} for the cut-over
 * ({@code ./demo cutover billing}), a service's replay endpoint for a parked record. Each
 * answers with what it did and the evidence, read back from the cluster or the service.
 */
final class ConsoleActions {

	private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,60}");

	private static final int MOST_ORDERS = 50;

	private static final Duration LEADERS_MOVED = Duration.ofSeconds(30);

	private final SystemProcesses processes;

	private final Admin admin;

	private final String bootstrapServers;

	private final Consumer<String> progress;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private OrderLoad.Running load;

	private volatile String loadLine = "";

	ConsoleActions(SystemProcesses processes, Admin admin, String bootstrapServers, Consumer<String> progress) {
		this.processes = processes;
		this.admin = admin;
		this.bootstrapServers = bootstrapServers;
		this.progress = progress;
	}

	/**
	 * What an action did.
	 *
	 * @param ok whether it did what was asked
	 * @param summary one line
	 * @param evidence what the cluster or the service shows for it
	 * @param orderIds the orders it placed, if it placed any
	 */
	record Result(boolean ok, String summary, List<String> evidence, List<String> orderIds) {

		static Result done(String summary, List<String> evidence) {
			return new Result(true, summary, evidence, List.of());
		}

		static Result failed(String summary) {
			return new Result(false, summary, List.of(), List.of());
		}

	}

	/**
	 * Runs one action.
	 * @throws IllegalArgumentException if the action or its arguments are not known
	 */
	Result run(String action, JsonNode arguments) {
		this.progress.accept("console: " + action + " " + arguments);
		try {
			return switch (action) {
				case "orders" -> placeOrders(number(arguments, "count", 1, MOST_ORDERS));
				case "load-start" ->
					startLoad(number(arguments, "rate", 1, 500), number(arguments, "seconds", 1, 3600));
				case "load-stop" -> stopLoad();
				case "scale" ->
					control("scale " + name(arguments, "service") + " " + number(arguments, "count", 1, 12));
				case "kill-instance" -> control("kill-instance " + name(arguments, "instance"));
				case "kill-broker" -> killBroker(number(arguments, "node", 1, 99));
				case "start-broker" -> startBroker(number(arguments, "node", 1, 99));
				case "replay" -> replay(name(arguments, "service"), number(arguments, "partition", 0, 999),
						number(arguments, "offset", 0, Integer.MAX_VALUE));
				case "cutover" -> liveWriter("v2");
				case "rollback" -> liveWriter("v1");
				default -> throw new IllegalArgumentException("No action " + action);
			};
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			return Result.failed(action + " failed: " + ex.getMessage());
		}
	}

	/** The load started from the page, as the view shows it. */
	synchronized LoadView load() {
		return new LoadView(this.load != null, this.loadLine);
	}

	private Result placeOrders(int count) {
		OrdersClient orders = new OrdersClient(this.processes.serviceUri(Stack.ORDERS), this.progress);
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> ids = new ArrayList<>();
		List<String> evidence = new ArrayList<>();
		for (int n = 1; n <= count; n++) {
			String customer = "console-" + run + "-" + n;
			String orderId = orders.place(customer);
			ids.add(orderId);
			evidence.add("POST /api/orders for " + customer + ": 201, order " + orderId);
		}
		return new Result(true, "placed %d order(s); open one's journey below".formatted(count), evidence, ids);
	}

	private synchronized Result startLoad(int rate, int seconds) {
		if (this.load != null) {
			return Result.failed("a load runs already: stop it first");
		}
		List<URI> instances = this.processes.instances(Stack.ORDERS).stream().map(this.processes::serviceUri).toList();
		this.loadLine = "starting";
		OrderLoad.Running running = new OrderLoad(instances, (line) -> {
			this.loadLine = line;
			this.progress.accept(line);
		}, false, OrderLoad.PATIENT).start(rate, Duration.ofSeconds(seconds));
		this.load = running;
		Thread ending = new Thread(() -> {
			running.awaitEnd();
			finished(running);
		}, "console-load-end");
		ending.setDaemon(true);
		ending.start();
		return Result.done("load %s: %d orders/s for %d s to %s".formatted(running.run(), rate, seconds, instances),
				List.of("watch the groups' lag build and drain"));
	}

	private Result stopLoad() {
		OrderLoad.Running running;
		synchronized (this) {
			running = this.load;
		}
		if (running == null) {
			return Result.failed("no load runs");
		}
		return finished(running);
	}

	/** Stops the load once, whether its time ran out or the page stopped it. */
	private Result finished(OrderLoad.Running running) {
		synchronized (this) {
			if (this.load != running) {
				return Result.failed("load " + running.run() + " had ended already");
			}
			this.load = null;
		}
		OrderLoad.Result result = running.stop();
		this.loadLine = "load " + running.run() + " ended: " + result.summary();
		return Result.done("load " + running.run() + " stopped", List.of(result.summary()));
	}

	private Result control(String request) {
		List<String> answer = ControlChannel.execute(request, this.processes);
		return Result.done(request + ": done", answer.isEmpty() ? List.of() : List.of("running: " + answer));
	}

	private Result killBroker(int node) {
		ControlChannel.execute("kill-broker " + node, this.processes);
		long killed = System.nanoTime();
		long deadline = killed + LEADERS_MOVED.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				ClusterSnapshot snapshot = ClusterStatus.readTopology(this.admin, this.bootstrapServers,
						Duration.ofSeconds(3));
				boolean moved = snapshot.brokers().stream().noneMatch((broker) -> broker.id() == node)
						&& mainPartitions(snapshot).noneMatch((partition) -> partition.leader() == node);
				if (moved) {
					return Result.done("node %d killed (kill -9); %.1f s later no partition has it as leader"
						.formatted(node, (System.nanoTime() - killed) / 1e9), leaders(snapshot));
				}
			}
			catch (RuntimeException ex) {
				// The controller may have been the one killed: ask again.
			}
			ClusterChecks.pause(Duration.ofMillis(500));
		}
		return Result.failed("node " + node + " killed, but after " + LEADERS_MOVED.toSeconds()
				+ " s some partition still names it as leader");
	}

	private Result startBroker(int node) {
		ControlChannel.execute("start-broker " + node, this.processes);
		ClusterSnapshot snapshot = ClusterStatus.readTopology(this.admin, this.bootstrapServers, Duration.ofSeconds(5));
		long behind = mainPartitions(snapshot).filter((partition) -> !partition.isr().contains(node)).count();
		return Result.done("node %d started and registered; %s".formatted(node,
				(behind == 0) ? "back in every ISR" : behind + " partitions to catch up before it is in their ISR"),
				leaders(snapshot));
	}

	private static java.util.stream.Stream<ClusterSnapshot.PartitionState> mainPartitions(ClusterSnapshot snapshot) {
		return snapshot.topics()
			.stream()
			.filter((topic) -> Topics.MAIN.contains(topic.name()))
			.flatMap((topic) -> topic.partitions().stream());
	}

	private static List<String> leaders(ClusterSnapshot snapshot) {
		return snapshot.topics()
			.stream()
			.filter((topic) -> topic.name().equals(Topics.ORDERS))
			.map((topic) -> topic.name() + " leaders: " + topic.partitions()
				.stream()
				.map((partition) -> "p" + partition.partition() + "→" + partition.leader() + " isr " + partition.isr())
				.collect(Collectors.joining(", ")))
			.toList();
	}

	private Result replay(String service, int partition, int offset) {
		URI uri = this.processes.serviceUri(service)
			.resolve("/admin/dead-letters/" + partition + "/" + offset + "/replay");
		HttpResponse<String> response;
		try {
			response = this.http.send(HttpRequest.newBuilder(uri)
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			return Result.failed(service + " did not answer: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Result.failed("interrupted");
		}
		String line = "POST " + uri + ": " + response.statusCode() + " " + response.body();
		return (response.statusCode() == 202)
				? Result.done("replayed %s's parked record %d@%d".formatted(service, partition, offset), List.of(line))
				: new Result(false, "replay refused", List.of(line), List.of());
	}

	private Result liveWriter(String version) {
		BillingLiveWriter billing = new BillingLiveWriter(this.processes.serviceUri(Stack.BILLING),
				this.processes.serviceUri(Stack.BILLING_V2));
		List<String> evidence = new ArrayList<>();
		evidence.add("comparison before: " + BillingLiveWriter.summary(billing.comparison()));
		JsonNode report = billing.switchTo(version);
		report.path("steps").forEach((step) -> evidence.add(step.asString()));
		return Result.done("billing %s writes invoices (group %s)".formatted(report.path("live").asString("?"),
				report.path("toGroup").asString("?")), evidence);
	}

	private static int number(JsonNode arguments, String field, int least, int most) {
		JsonNode value = arguments.path(field);
		if (!value.canConvertToInt() || value.asInt() < least || value.asInt() > most) {
			throw new IllegalArgumentException(
					"%s must be a whole number from %d to %d, not %s".formatted(field, least, most, value));
		}
		return value.asInt();
	}

	private static String name(JsonNode arguments, String field) {
		String value = arguments.path(field).asString("");
		if (!NAME.matcher(value).matches()) {
			throw new IllegalArgumentException(field + " must be a service or instance name, not '" + value + "'");
		}
		return value;
	}

	/** Stops a load started from the page, if one runs. */
	void close() {
		stopLoad();
	}

}
