package com.example.orderflow.demo.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.drill.OutputLedger.TopicReader;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.JsonNode;

/**
 * Open-loop order load at one rate, and what it did downstream: for every acknowledged
 * order, the time from its event (the OrderCreated's timestamp, written just before the
 * commit and the 201) to each group's output record (the output's timestamp), each
 * group's lag on {@code orders} while the load ran and until it drained, and the CPU each
 * process of the stack used meanwhile.
 */
final class LoadSteps implements AutoCloseable {

	/**
	 * A transactional writer leaves a commit marker after its records; a group that has
	 * read everything still shows up to one per partition.
	 */
	private static final long DRAINED_LAG = Topics.PARTITIONS;

	/**
	 * What the billing comparison reads per order: billing's invoice and billing-v2's.
	 */
	static final int INVOICES_PER_ORDER = 2;

	/** The groups on orders and the billing comparison. */
	private static final int DRAINING_GROUPS = ConsumerGroups.ALL.size() + 1;

	/** Lag above this many seconds of orders is no longer "keeping up". */
	static final double BOUNDED_LAG_SECONDS = 5;

	private final URI ordersService;

	private final Consumer<String> progress;

	/** Name to PID of every process whose CPU time a step reports, read at each step. */
	private final Supplier<Map<String, Long>> processes;

	private final Admin admin;

	private final TopicReader orders;

	private final Map<String, TopicReader> outputs = new LinkedHashMap<>();

	/** customerId to the eventId of its OrderCreated. */
	private final Map<String, String> eventOfCustomer = new HashMap<>();

	/**
	 * customerId to its OrderCreated's timestamp: set by orders-service when it writes
	 * the event, just before the commit that the 201 waits for.
	 */
	private final Map<String, Long> eventAtOfCustomer = new HashMap<>();

	/** Per output topic: causationId to the output record's timestamp. */
	private final Map<String, Map<String, Long>> outputAt = new HashMap<>();

	LoadSteps(URI ordersService, Map<String, Object> client, Supplier<Map<String, Long>> processes,
			Consumer<String> progress) {
		this.ordersService = ordersService;
		this.processes = processes;
		this.progress = progress;
		this.admin = Admin.create(client);
		this.orders = new TopicReader(client, Topics.ORDERS).fromNow();
		ConsumerGroups.OUTPUT_TOPICS.values()
			.forEach((topic) -> this.outputs.put(topic, new TopicReader(client, topic).fromNow()));
	}

	/**
	 * Offers orders at {@code rate} for {@code duration}, waits up to {@code drain} for
	 * every group to catch up, then matches outputs to orders.
	 * @param httpLimitMs the p99 of a sustainable step
	 */
	BenchResults.Step run(String phase, double rate, Duration duration, Duration drain, double httpLimitMs) {
		Map<String, List<Long>> lagSamples = new ConcurrentHashMap<>();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "bench-lag");
			thread.setDaemon(true);
			return thread;
		});
		sampler.scheduleWithFixedDelay(() -> lags().forEach((group, lag) -> lagSamples
			.computeIfAbsent(group, (key) -> Collections.synchronizedList(new ArrayList<>()))
			.add(lag)), 0, 1, TimeUnit.SECONDS);
		Offered offered = offer(rate, duration);
		stop(sampler);
		Map<String, Double> drainSeconds = awaitDrained(drain);
		readNew();
		List<OrderLoad.Request> acknowledged = offered.result().acknowledged();
		Map<String, BenchResults.GroupFigures> groups = new LinkedHashMap<>();
		for (Map.Entry<String, String> group : ConsumerGroups.OUTPUT_TOPICS.entrySet()) {
			Map<String, Long> at = this.outputAt.getOrDefault(group.getValue(), Map.of());
			List<Double> latencies = new ArrayList<>();
			int missing = 0;
			for (OrderLoad.Request request : acknowledged) {
				String event = this.eventOfCustomer.get(request.customerId());
				Long output = (event != null) ? at.get(event) : null;
				if (output == null) {
					missing++;
				}
				else {
					// From the event, not from the moment this client read the 201: an
					// overloaded API answers seconds after it committed, and the
					// outputs would seem to come before their orders.
					latencies.add((double) (output - this.eventAtOfCustomer.get(request.customerId())));
				}
			}
			List<Long> samples = List.copyOf(lagSamples.getOrDefault(group.getKey(), List.of()));
			double drained = drainSeconds.getOrDefault(group.getKey(), -1.0);
			groups.put(group.getKey(),
					new BenchResults.GroupFigures(group.getValue(), latencies.size(), missing,
							Percentiles.of(latencies), samples.stream().mapToLong(Long::longValue).max().orElse(0),
							drained, lagBounded(samples, drained, rate), samples));
		}
		List<Long> comparisonSamples = List
			.copyOf(lagSamples.getOrDefault(ConsumerGroups.BILLING_COMPARISON, List.of()));
		double comparisonDrained = drainSeconds.getOrDefault(ConsumerGroups.BILLING_COMPARISON, -1.0);
		BenchResults.LagFigures comparison = new BenchResults.LagFigures(ConsumerGroups.BILLING_COMPARISON,
				comparisonSamples.stream().mapToLong(Long::longValue).max().orElse(0), comparisonDrained,
				lagBounded(comparisonSamples, comparisonDrained, INVOICES_PER_ORDER * rate), comparisonSamples);
		BenchResults.Step step = step(phase, rate, duration, offered, groups, comparison, httpLimitMs);
		this.progress.accept(describe(step));
		return step;
	}

	/**
	 * Offers orders at {@code rate} for {@code duration} and reports only what the orders
	 * API did with them: for a step with no consumer service running, where no group has
	 * anything to keep up with.
	 * @param httpLimitMs the p99 of a sustainable step
	 */
	BenchResults.Step runApiAlone(String phase, double rate, Duration duration, double httpLimitMs) {
		BenchResults.Step step = step(phase, rate, duration, offer(rate, duration), Map.of(), null, httpLimitMs);
		this.progress.accept(describe(step));
		return step;
	}

	/**
	 * The open-loop load itself, and the CPU every process and the machine used
	 * meanwhile.
	 */
	private Offered offer(double rate, Duration duration) {
		Map<String, Duration> cpuBefore = cpuTimes();
		Optional<HostCpu> machineBefore = HostCpu.read();
		long cpuFrom = System.nanoTime();
		OrderLoad.Running running = new OrderLoad(this.ordersService, this.progress, false, OrderLoad.IMPATIENT)
			.start(rate, duration);
		running.awaitEnd();
		OrderLoad.Result result = running.stop();
		Map<String, Double> cpuCores = cpuCores(cpuBefore, cpuTimes(), (System.nanoTime() - cpuFrom) / 1e9);
		Map<String, Double> machineCores = machineBefore
			.flatMap((before) -> HostCpu.read()
				.map((after) -> before.coresUntil(after, Runtime.getRuntime().availableProcessors())))
			.orElse(Map.of());
		return new Offered(result, cpuCores, machineCores);
	}

	private record Offered(OrderLoad.Result result, Map<String, Double> cpuCores, Map<String, Double> machineCores) {
	}

	private static BenchResults.Step step(String phase, double rate, Duration duration, Offered offered,
			Map<String, BenchResults.GroupFigures> groups, BenchResults.LagFigures comparison, double httpLimitMs) {
		OrderLoad.Result result = offered.result();
		Percentiles http = Percentiles
			.of(result.requests().stream().map((request) -> request.seconds() * 1000).toList());
		int errors = result.notAcknowledged().size();
		double expected = rate * duration.toMillis() / 1000.0;
		String verdict;
		if (errors > 0) {
			verdict = errors + " requests not answered 201";
		}
		else if (result.sent() < expected * 0.95) {
			verdict = "the generator sent %d of %.0f".formatted(result.sent(), expected);
		}
		else if (http.p99() > httpLimitMs) {
			verdict = "p99 %.0f ms > %.0f ms".formatted(http.p99(), httpLimitMs);
		}
		else {
			verdict = "ok";
		}
		return new BenchResults.Step(phase, rate, result.seconds(), result.sent(), result.acknowledged().size(), errors,
				result.acknowledgedPerSecond(), http, groups, verdict.equals("ok"), verdict, offered.cpuCores(),
				comparison, offered.machineCores());
	}

	/**
	 * Whether a group kept its lag bounded: sampled at least once while the load ran,
	 * never more than {@link #lagLimit} behind, and drained after it. No sample is no
	 * evidence, so not bounded.
	 * @param samples the lag once a second while the load ran
	 * @param drainSeconds after the load until drained, negative if it did not drain
	 * @param rate orders per second offered
	 */
	static boolean lagBounded(List<Long> samples, double drainSeconds, double rate) {
		return !samples.isEmpty() && drainSeconds >= 0 && Collections.max(samples) <= lagLimit(rate);
	}

	/** The most a group may be behind and still keep up: a few seconds of orders. */
	static long lagLimit(double rate) {
		return Math.max(DRAINED_LAG, Math.round(rate * BOUNDED_LAG_SECONDS));
	}

	/**
	 * A step for the progress log; one with no group (the orders API alone) says that no
	 * consumer service ran instead of how the groups did.
	 */
	static String describe(BenchResults.Step step) {
		String groups;
		if (step.groups().isEmpty()) {
			groups = "no consumer service running";
		}
		else {
			groups = "every group kept up: %s; to output: %s".formatted(step.everyGroupKeptUp() ? "yes" : "NO",
					step.groups()
						.entrySet()
						.stream()
						.map((group) -> describe(group.getKey(), group.getValue()))
						.collect(Collectors.joining("; ")));
			if (step.comparison() != null) {
				groups += "; " + describe(step.comparison());
			}
		}
		return ("%s %.0f/s: %d sent, %d acknowledged (%.0f/s), HTTP p50 %.1f p99 %.1f p99.9 %.1f ms: %s; %s; CPU cores"
				+ " while the load ran: %s; the machine: %s")
			.formatted(step.phase(), step.targetRate(), step.sent(), step.acknowledged(), step.acknowledgedPerSecond(),
					step.httpMs().p50(), step.httpMs().p99(), step.httpMs().p999(), step.verdict(), groups,
					cores(step.cpuCores()), machine(step));
	}

	private static String describe(String name, BenchResults.GroupFigures group) {
		String drained = (group.drainSeconds() >= 0) ? "drained after %.1f s".formatted(group.drainSeconds())
				: "not drained";
		String line = "%s p50 %.0f p99 %.0f ms, %d without output, max lag %d, %s, %s".formatted(name,
				group.latencyMs().p50(), group.latencyMs().p99(), group.missing(), group.maxLag(), drained,
				group.keptUp() ? "kept up" : "MISSED");
		return group.keptUp() ? line : line + " (lag every 5 s: " + lagTrail(group.lagSamples(), 5) + ")";
	}

	private static String describe(BenchResults.LagFigures group) {
		String drained = (group.drainSeconds() >= 0) ? "drained after %.1f s".formatted(group.drainSeconds())
				: "not drained";
		String line = "%s (invoices, invoices-v2) max lag %d, %s, %s".formatted(group.group(), group.maxLag(), drained,
				group.lagBounded() ? "kept up" : "MISSED");
		return group.lagBounded() ? line : line + " (lag every 5 s: " + lagTrail(group.lagSamples(), 5) + ")";
	}

	/** Every {@code every}-th sample and the last, for a line of progress. */
	static String lagTrail(List<Long> samples, int every) {
		return IntStream.range(0, samples.size())
			.filter((index) -> index % every == 0 || index == samples.size() - 1)
			.mapToObj((index) -> Long.toString(samples.get(index)))
			.collect(Collectors.joining(" "));
	}

	/**
	 * Waits until every group is drained or the timeout passes, so a step starts on
	 * groups without a backlog from the one before; says how long it took or what is
	 * left.
	 */
	void awaitDrainedBeforeStep(Duration timeout) {
		long started = System.nanoTime();
		Map<String, Double> drained = awaitDrained(timeout);
		if (drained.size() == DRAINING_GROUPS) {
			this.progress.accept("every group drained after %.1f s".formatted((System.nanoTime() - started) / 1e9));
		}
		else {
			this.progress
				.accept("not every group drained within %d s; lag now: %s".formatted(timeout.toSeconds(), lags()));
		}
	}

	/** The whole machine's cores while a step ran, or "not measured". */
	static String machine(BenchResults.Step step) {
		if (step.machineCores() == null || step.machineCores().isEmpty()) {
			return "not measured";
		}
		return cores(step.machineCores());
	}

	/** Named shares of the CPU, in cores: "kafka-node-1 0.25, orders-service 0.48". */
	private static String cores(Map<String, Double> shares) {
		return shares.entrySet()
			.stream()
			.map((share) -> "%s %.2f".formatted(share.getKey(), share.getValue()))
			.collect(Collectors.joining(", "));
	}

	private Map<String, Duration> cpuTimes() {
		Map<String, Duration> times = new LinkedHashMap<>();
		this.processes.get()
			.forEach((name, pid) -> ProcessHandle.of(pid)
				.flatMap((process) -> process.info().totalCpuDuration())
				.ifPresent((cpu) -> times.put(name, cpu)));
		return times;
	}

	/** CPU time used between two readings, over the wall time between them. */
	static Map<String, Double> cpuCores(Map<String, Duration> before, Map<String, Duration> after, double seconds) {
		Map<String, Double> cores = new LinkedHashMap<>();
		after.forEach((name, cpu) -> {
			Duration earlier = before.get(name);
			if (earlier != null && seconds > 0) {
				cores.put(name, Math.round(cpu.minus(earlier).toNanos() / 1e9 / seconds * 100) / 100.0);
			}
		});
		return cores;
	}

	private static void stop(ScheduledExecutorService sampler) {
		// Cancels the next samples; one in flight finishes before the samples are read.
		sampler.shutdown();
		try {
			sampler.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Seconds after which each group's lag was down to the commit markers. */
	private Map<String, Double> awaitDrained(Duration timeout) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		Map<String, Double> drained = new HashMap<>();
		while (drained.size() < DRAINING_GROUPS && System.nanoTime() < deadline) {
			lags().forEach((group, lag) -> {
				if (lag <= drainedLag(group)) {
					drained.putIfAbsent(group, (System.nanoTime() - started) / 1e9);
				}
			});
			if (drained.size() < DRAINING_GROUPS) {
				sleep(250);
			}
		}
		return drained;
	}

	/**
	 * Each group's lag now, end offsets minus committed offsets: the groups on
	 * {@code orders}, and the billing comparison on both invoice topics (two records per
	 * order). Empty when the cluster does not answer.
	 */
	Map<String, Long> lags() {
		try {
			Map<String, Long> lags = new LinkedHashMap<>();
			Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> orders = ends(List.of(Topics.ORDERS));
			for (String group : ConsumerGroups.ALL) {
				lags.put(group, lag(group, orders));
			}
			lags.put(ConsumerGroups.BILLING_COMPARISON,
					lag(ConsumerGroups.BILLING_COMPARISON, ends(List.of(Topics.INVOICES, Topics.INVOICES_V2))));
			return lags;
		}
		catch (ExecutionException | TimeoutException ex) {
			return Map.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends(List<String> topics)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (String topic : topics) {
			for (int p = 0; p < Topics.PARTITIONS; p++) {
				latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
			}
		}
		return this.admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
	}

	private long lag(String group, Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, OffsetAndMetadata> committed = this.admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(5, TimeUnit.SECONDS);
		long lag = 0;
		for (var end : ends.entrySet()) {
			OffsetAndMetadata offset = committed.get(end.getKey());
			lag += Math.max(0, end.getValue().offset() - ((offset != null) ? offset.offset() : 0));
		}
		return lag;
	}

	/**
	 * Up to one commit marker per partition read: {@code orders} for the groups, both
	 * invoice topics for the comparison.
	 */
	static long drainedLag(String group) {
		return ConsumerGroups.BILLING_COMPARISON.equals(group) ? 2 * DRAINED_LAG : DRAINED_LAG;
	}

	private void readNew() {
		for (ConsumerRecord<String, byte[]> record : this.orders.readNew()) {
			JsonNode value = OutputLedger.json(record.value());
			if (value != null && value.hasNonNull("customerId") && value.hasNonNull("eventId")) {
				this.eventOfCustomer.putIfAbsent(value.get("customerId").asString(), value.get("eventId").asString());
				this.eventAtOfCustomer.putIfAbsent(value.get("customerId").asString(), record.timestamp());
			}
		}
		for (Map.Entry<String, TopicReader> output : this.outputs.entrySet()) {
			Map<String, Long> at = this.outputAt.computeIfAbsent(output.getKey(), (key) -> new HashMap<>());
			for (ConsumerRecord<String, byte[]> record : output.getValue().readNew()) {
				JsonNode value = OutputLedger.json(record.value());
				if (value != null && value.hasNonNull("causationId")) {
					at.putIfAbsent(value.get("causationId").asString(), record.timestamp());
				}
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	Set<String> groups() {
		return ConsumerGroups.OUTPUT_TOPICS.keySet();
	}

	@Override
	public void close() {
		this.orders.close();
		this.outputs.values().forEach(TopicReader::close);
		this.admin.close(Duration.ofSeconds(2));
	}

}
