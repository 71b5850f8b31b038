package com.example.orderflow.demo.console;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.console.ConsoleView.BlueGreenView;
import com.example.orderflow.demo.console.ConsoleView.GroupView;
import com.example.orderflow.demo.console.ConsoleView.InstanceView;
import com.example.orderflow.demo.console.ConsoleView.LagView;
import com.example.orderflow.demo.console.ConsoleView.LoadView;
import com.example.orderflow.demo.console.ConsoleView.MemberView;
import com.example.orderflow.demo.console.ConsoleView.NodeView;
import com.example.orderflow.demo.console.ConsoleView.PartitionView;
import com.example.orderflow.demo.console.ConsoleView.ServiceView;
import com.example.orderflow.demo.console.ConsoleView.TopicSize;
import com.example.orderflow.demo.console.ConsoleView.TopicView;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.SystemProcesses;
import com.example.orderflow.demo.status.ClusterSnapshot;
import com.example.orderflow.demo.status.ClusterSnapshot.Broker;
import com.example.orderflow.demo.status.ClusterSnapshot.GroupState;
import com.example.orderflow.demo.status.ClusterSnapshot.TopicState;
import com.example.orderflow.demo.status.ClusterStatus;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@link ConsoleView} in three parts, each refreshed on its own so that a slow
 * one holds back only itself: the cluster's topology through the Admin API (the same
 * {@link ClusterStatus} that {@code ./demo status} prints, plus the sizes of each group's
 * retry and dead-letter topics), which any broker answers at once; the consumer groups,
 * which wait for their coordinators while a failover moves them; and the services,
 * through their actuator and admin endpoints. A part that could not be read keeps its
 * last reading and is named in {@link ConsoleView#problem()}.
 */
final class ConsoleReader {

	private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);

	private final Admin admin;

	private final String bootstrapServers;

	private final SystemProcesses processes;

	private final Supplier<LoadView> load;

	private final ServiceEndpoints endpoints = new ServiceEndpoints();

	/** Counts the readings that changed something the page draws. */
	private final AtomicLong changes = new AtomicLong();

	private final AtomicReference<Part<Topology>> topology = new AtomicReference<>(
			new Part<>(new Topology(null, Map.of()), null));

	private final AtomicReference<Part<List<GroupState>>> groups = new AtomicReference<>(new Part<>(List.of(), null));

	private final AtomicReference<Part<Services>> services = new AtomicReference<>(
			new Part<>(new Services(List.of(), new BlueGreenView(null, Map.of()), Map.of()), null));

	/**
	 * @param admin a client of the cluster that may read every topic and group
	 * @param load what the page's order load is doing
	 */
	ConsoleReader(Admin admin, String bootstrapServers, SystemProcesses processes, Supplier<LoadView> load) {
		this.admin = admin;
		this.bootstrapServers = bootstrapServers;
		this.processes = processes;
		this.load = load;
	}

	/** One part's last reading, and why the latest attempt failed, if it did. */
	private record Part<T>(T value, String problem) {

		Part<T> failed(String why) {
			return new Part<>(this.value, why);
		}

	}

	/**
	 * @param snapshot brokers, quorum and topics, {@code null} before the first reading
	 * @param sizes offsets held by each retry and dead-letter topic
	 */
	private record Topology(ClusterSnapshot snapshot, Map<String, Long> sizes) {

	}

	/**
	 * @param parked the records in each group's dead-letter topic, by group
	 */
	private record Services(List<ServiceView> services, BlueGreenView blueGreen,
			Map<String, List<Map<String, Object>>> parked) {

	}

	/** Reads the brokers, the quorum, the topics and the retry and dead-letter sizes. */
	void refreshTopology() {
		try {
			ClusterSnapshot snapshot = ClusterStatus.readTopology(this.admin, this.bootstrapServers, ADMIN_TIMEOUT);
			Map<String, Long> lastSizes = this.topology.get().value().sizes();
			// Leaders first: the sizes ask each partition's leader, which a failover
			// moves.
			update(this.topology, new Part<>(new Topology(snapshot, lastSizes), null));
			try {
				update(this.topology,
						new Part<>(new Topology(snapshot,
								ClusterStatus.readSizes(this.admin, snapshot, Topics.ORDERS + "-", ADMIN_TIMEOUT)),
								null));
			}
			catch (RuntimeException ex) {
				update(this.topology, new Part<>(new Topology(snapshot, lastSizes),
						"retry and dead-letter sizes: " + ex.getMessage()));
			}
		}
		catch (RuntimeException ex) {
			update(this.topology, this.topology.get().failed("cluster: " + ex.getMessage()));
		}
	}

	/** Reads the consumer groups on {@code orders}. */
	void refreshGroups() {
		try {
			update(this.groups, new Part<>(ClusterStatus.readGroups(this.admin, ADMIN_TIMEOUT), null));
		}
		catch (RuntimeException ex) {
			update(this.groups, this.groups.get().failed("groups: " + ex.getMessage()));
		}
	}

	/**
	 * Asks every service instance for its health, billing for blue/green and each group
	 * with a non-empty dead-letter topic for its parked records, side by side.
	 */
	void refreshServices() {
		Map<String, List<String>> instances = new LinkedHashMap<>();
		for (String service : Stack.SERVICES) {
			try {
				instances.put(service, this.processes.instances(service));
			}
			catch (RuntimeException ex) {
				instances.put(service, List.of());
			}
		}
		Map<String, CompletableFuture<Optional<JsonNode>>> health = new LinkedHashMap<>();
		instances.values()
			.stream()
			.flatMap(List::stream)
			.forEach((instance) -> health.put(instance, this.endpoints.get(uri(instance, "/actuator/health"))));
		CompletableFuture<Optional<JsonNode>> comparison = ask(instances, Stack.BILLING_V2,
				"/admin/billing/comparison");
		CompletableFuture<Optional<JsonNode>> liveWriter = ask(instances, Stack.BILLING, "/admin/billing/live-writer");
		Map<String, Long> sizes = this.topology.get().value().sizes();
		Map<String, CompletableFuture<Optional<JsonNode>>> deadLetters = new LinkedHashMap<>();
		for (String group : instances.keySet()) {
			if (sizes.getOrDefault(Topics.deadLetter(group), 0L) > 0) {
				deadLetters.put(group, ask(instances, group, "/admin/dead-letters"));
			}
		}
		List<ServiceView> views = new ArrayList<>();
		instances.forEach((service, names) -> {
			if (!names.isEmpty()) {
				views.add(new ServiceView(service,
						names.stream()
							.map((name) -> new InstanceView(name, this.processes.serviceUri(name).toString(),
									health.get(name)
										.join()
										.map((answer) -> answer.path("status").asString("?"))
										.orElse("no answer")))
							.toList()));
			}
		});
		BlueGreenView blueGreen = new BlueGreenView(liveWriter.join()
			.map((answer) -> answer.path("liveWriter").path("version"))
			.filter(JsonNode::isString)
			.map(JsonNode::asString)
			.orElse(null), comparison.join().map(ConsoleReader::counts).orElse(Map.of()));
		Map<String, List<Map<String, Object>>> parked = new LinkedHashMap<>();
		deadLetters.forEach((group, answer) -> parked.put(group,
				answer.join().map(ConsoleReader::parkedRecords).orElse(List.of())));
		update(this.services, new Part<>(new Services(views, blueGreen, parked), null));
	}

	/**
	 * Every part read now, in this thread: for a reader that cannot wait for the next
	 * tick.
	 */
	ConsoleView readNow() {
		refreshTopology();
		refreshGroups();
		refreshServices();
		return view();
	}

	private <T> void update(AtomicReference<Part<T>> part, Part<T> reading) {
		if (!reading.equals(part.getAndSet(reading))) {
			this.changes.incrementAndGet();
		}
	}

	/**
	 * How many readings changed what the page draws so far: the console sends a new view
	 * as soon as this moves.
	 */
	long changes() {
		return this.changes.get();
	}

	/** The latest reading of every part, as one view. */
	ConsoleView view() {
		Part<Topology> topology = this.topology.get();
		Part<List<GroupState>> groups = this.groups.get();
		Part<Services> services = this.services.get();
		List<String> problems = new ArrayList<>();
		for (Part<?> part : List.of(topology, groups, services)) {
			if (part.problem() != null) {
				problems.add(part.problem());
			}
		}
		ClusterSnapshot snapshot = topology.value().snapshot();
		List<NodeView> nodes = (snapshot != null) ? nodes(snapshot) : List.of();
		List<TopicView> topics = (snapshot != null) ? snapshot.topics()
			.stream()
			.filter((topic) -> Topics.MAIN.contains(topic.name()))
			.map(ConsoleReader::topic)
			.toList() : List.of();
		List<String> topicNames = (snapshot != null) ? snapshot.topics().stream().map(TopicState::name).toList()
				: List.of();
		List<GroupView> groupViews = groups.value()
			.stream()
			.map((group) -> group(group, topicNames, topology.value().sizes(),
					services.value().parked().getOrDefault(group.groupId(), List.of())))
			.toList();
		return new ConsoleView(System.currentTimeMillis(), this.bootstrapServers, nodes, topics, groupViews,
				services.value().blueGreen(), services.value().services(), this.load.get(),
				problems.isEmpty() ? null : String.join("; ", problems));
	}

	private CompletableFuture<Optional<JsonNode>> ask(Map<String, List<String>> instances, String service,
			String path) {
		return instances.getOrDefault(service, List.of())
			.stream()
			.findFirst()
			.map((instance) -> this.endpoints.get(uri(instance, path)))
			.orElse(CompletableFuture.completedFuture(Optional.empty()));
	}

	private static List<NodeView> nodes(ClusterSnapshot snapshot) {
		Map<Integer, Broker> registered = new HashMap<>();
		snapshot.brokers().forEach((broker) -> registered.put(broker.id(), broker));
		int controller = snapshot.quorumInfo().map(ClusterSnapshot.Quorum::leaderId).orElse(-1);
		List<Integer> ids = new ArrayList<>(registered.keySet());
		snapshot.quorumInfo()
			.ifPresent((quorum) -> quorum.voters()
				.stream()
				.map(ClusterSnapshot.Voter::id)
				.filter((id) -> !ids.contains(id))
				.forEach(ids::add));
		return ids.stream().sorted().map((id) -> {
			Broker broker = registered.get(id);
			return new NodeView(id, broker != null, id == controller,
					(broker != null) ? broker.host() + ":" + broker.port() : "");
		}).toList();
	}

	private static TopicView topic(TopicState topic) {
		return new TopicView(topic.name(), topic.minInsyncReplicas(),
				topic.partitions()
					.stream()
					.map((partition) -> new PartitionView(partition.partition(), partition.leader(),
							partition.replicas(), partition.isr()))
					.toList());
	}

	private static GroupView group(GroupState group, List<String> topics, Map<String, Long> sizes,
			List<Map<String, Object>> parked) {
		String retryPrefix = Topics.ORDERS + "-" + group.groupId() + "-retry-";
		String deadLetter = Topics.deadLetter(group.groupId());
		List<TopicSize> retries = topics.stream()
			.filter((name) -> name.startsWith(retryPrefix))
			.sorted()
			.map((name) -> new TopicSize(name, sizes.getOrDefault(name, 0L)))
			.toList();
		return new GroupView(group.groupId(), group.state(),
				group.members()
					.stream()
					.map((member) -> new MemberView(member.clientId(), member.host(), member.partitions()))
					.toList(),
				group.partitions()
					.stream()
					.map((partition) -> new LagView(partition.partition(),
							(partition.committedOffset() != null) ? partition.committedOffset() : -1,
							partition.logEndOffset(), partition.lag().orElse(-1L), partition.owner()))
					.toList(),
				group.totalLag(), retries, new TopicSize(deadLetter, sizes.getOrDefault(deadLetter, 0L)), parked);
	}

	private static List<Map<String, Object>> parkedRecords(JsonNode list) {
		List<Map<String, Object>> records = new ArrayList<>();
		for (JsonNode entry : list) {
			Map<String, Object> record = new LinkedHashMap<>();
			for (String field : List.of("partition", "offset", "key", "originalTopic", "exceptionClass",
					"exceptionMessage", "attempts", "replayCount", "status")) {
				JsonNode value = entry.path(field);
				record.put(field, value.isNumber() ? value.numberValue() : value.asString(null));
			}
			records.add(record);
		}
		return records;
	}

	private static Map<String, Long> counts(JsonNode comparison) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String field : BillingLiveWriter.COUNTS) {
			counts.put(field, comparison.path(field).asLong());
		}
		return counts;
	}

	private URI uri(String instance, String path) {
		return this.processes.serviceUri(instance).resolve(path);
	}

}
