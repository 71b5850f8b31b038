package com.example.orderflow.demo.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import com.example.orderflow.demo.status.ClusterSnapshot.Broker;
import com.example.orderflow.demo.status.ClusterSnapshot.GroupState;
import com.example.orderflow.demo.status.ClusterSnapshot.Member;
import com.example.orderflow.demo.status.ClusterSnapshot.PartitionLag;
import com.example.orderflow.demo.status.ClusterSnapshot.PartitionState;
import com.example.orderflow.demo.status.ClusterSnapshot.Quorum;
import com.example.orderflow.demo.status.ClusterSnapshot.TopicState;
import com.example.orderflow.demo.status.ClusterSnapshot.Voter;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Reads a {@link ClusterSnapshot} through the Admin API, and renders one as text in the
 * style of the Kafka tutorials: a row per partition with leader, replicas and ISR, a row
 * per group partition with committed offset, end offset and lag.
 */
public final class ClusterStatus {

	private static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

	private ClusterStatus() {
	}

	/** Reads the state of the cluster at {@code bootstrapServers}. */
	public static ClusterSnapshot read(String bootstrapServers, Duration timeout) {
		Map<String, Object> configuration = new HashMap<>();
		configuration.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-status");
		configuration.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 5000));
		configuration.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
		try (Admin admin = Admin.create(configuration)) {
			return read(admin, bootstrapServers, timeout);
		}
	}

	/** Reads the state of the cluster that {@code admin} talks to. */
	public static ClusterSnapshot read(Admin admin, String bootstrapServers, Duration timeout) {
		return readTopology(admin, bootstrapServers, timeout).withGroups(readGroups(admin, timeout));
	}

	/**
	 * The brokers, the quorum and the topics, without the groups: metadata any broker
	 * answers, where the groups wait for their coordinators (which a failover moves).
	 */
	public static ClusterSnapshot readTopology(Admin admin, String bootstrapServers, Duration timeout) {
		Reader reader = new Reader(admin, timeout);
		List<Broker> brokers = reader.get(admin.describeCluster().nodes())
			.stream()
			.sorted(Comparator.comparingInt(Node::id))
			.map((node) -> new Broker(node.id(), node.host(), node.port()))
			.toList();
		Quorum quorum = reader.quorum();
		List<TopicState> topics = reader.topics();
		return new ClusterSnapshot(bootstrapServers, brokers, quorum, topics, List.of());
	}

	/** The consumer groups on {@code orders}: members, committed offsets and lag. */
	public static List<GroupState> readGroups(Admin admin, Duration timeout) {
		return new Reader(admin, timeout).groupsOn(Topics.ORDERS);
	}

	/**
	 * The offsets each topic whose name starts with {@code prefix} holds (end minus
	 * start, summed over its partitions): records and transaction markers.
	 */
	public static Map<String, Long> readSizes(Admin admin, ClusterSnapshot snapshot, String prefix, Duration timeout) {
		Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		snapshot.topics()
			.stream()
			.filter((topic) -> topic.name().startsWith(prefix))
			.forEach((topic) -> topic.partitions().forEach((partition) -> {
				TopicPartition coordinates = new TopicPartition(topic.name(), partition.partition());
				earliest.put(coordinates, OffsetSpec.earliest());
				latest.put(coordinates, OffsetSpec.latest());
			}));
		Map<String, Long> sizes = new HashMap<>();
		if (latest.isEmpty()) {
			return sizes;
		}
		Reader reader = new Reader(admin, timeout);
		Map<TopicPartition, ListOffsetsResultInfo> starts = reader.get(admin.listOffsets(earliest).all());
		reader.get(admin.listOffsets(latest).all()).forEach((partition, end) -> {
			ListOffsetsResultInfo start = starts.get(partition);
			sizes.merge(partition.topic(), Math.max(0, end.offset() - ((start != null) ? start.offset() : 0)),
					Long::sum);
		});
		return sizes;
	}

	/** The snapshot as text for a terminal; the same snapshot gives the same text. */
	public static String render(ClusterSnapshot snapshot) {
		StringBuilder text = new StringBuilder();
		renderNodes(snapshot, text);
		renderTopics(snapshot, text);
		renderGroups(snapshot, text);
		return text.toString();
	}

	private static void renderNodes(ClusterSnapshot snapshot, StringBuilder text) {
		text.append("Kafka cluster at ").append(snapshot.bootstrapServers()).append('\n');
		Map<Integer, Broker> brokers = snapshot.brokers()
			.stream()
			.collect(Collectors.toMap(Broker::id, (broker) -> broker, (a, b) -> a, TreeMap::new));
		Optional<Quorum> quorum = snapshot.quorumInfo();
		int leader = quorum.map(Quorum::leaderId).orElse(-1);
		Map<Integer, Long> voterLag = new TreeMap<>();
		quorum.ifPresent((info) -> {
			long leaderEnd = info.voters()
				.stream()
				.filter((voter) -> voter.id() == info.leaderId())
				.mapToLong(Voter::logEndOffset)
				.findFirst()
				.orElse(0);
			info.voters().forEach((voter) -> voterLag.put(voter.id(), Math.max(0, leaderEnd - voter.logEndOffset())));
		});
		TreeMap<Integer, Boolean> nodeIds = new TreeMap<>();
		brokers.keySet().forEach((id) -> nodeIds.put(id, true));
		voterLag.keySet().forEach((id) -> nodeIds.putIfAbsent(id, false));
		TextTable table = new TextTable();
		for (int id : nodeIds.keySet()) {
			Broker broker = brokers.get(id);
			String address = (broker != null) ? broker.host() + ":" + broker.port() : "-";
			String role;
			if (broker == null) {
				role = "DOWN (not registered)";
			}
			else if (id == leader) {
				role = "up, active controller (quorum leader, epoch " + quorum.get().leaderEpoch() + ")";
			}
			else {
				role = "up";
			}
			String metadata = voterLag.containsKey(id) ? "metadata lag " + voterLag.get(id) : "";
			table.row("node " + id, address, role, metadata);
		}
		text.append(table.render("  "));
		if (quorum.isEmpty()) {
			text.append("  metadata quorum: no answer\n");
		}
		else if (leader < 0) {
			text.append("  metadata quorum: NO LEADER (fewer than 2 of 3 controllers up?)\n");
		}
	}

	private static void renderTopics(ClusterSnapshot snapshot, StringBuilder text) {
		text.append('\n').append("Topics (replicas: preferred leader first; isr: in-sync replicas)\n");
		TextTable table = new TextTable();
		List<String> others = new ArrayList<>();
		for (TopicState topic : snapshot.topics()) {
			if (!Topics.MAIN.contains(topic.name())) {
				others.add(summary(topic));
				continue;
			}
			for (PartitionState partition : topic.partitions()) {
				table.row(topic.name(), "p" + partition.partition(),
						"leader " + (partition.isOffline() ? "none" : partition.leader()),
						"replicas " + ids(partition.replicas()), "isr " + ids(partition.isr()),
						problem(topic, partition));
			}
		}
		text.append(table.render("  "));
		for (String other : others) {
			text.append("  ").append(other).append('\n');
		}
		if (snapshot.topics().isEmpty()) {
			text.append("  (no topics)\n");
		}
	}

	private static String problem(TopicState topic, PartitionState partition) {
		if (partition.isOffline()) {
			return "OFFLINE: no leader, no reads or writes";
		}
		if (topic.minInsyncReplicas() > 0 && partition.isr().size() < topic.minInsyncReplicas()) {
			return "BELOW MIN ISR " + topic.minInsyncReplicas() + ": acks=all writes fail";
		}
		if (partition.isUnderReplicated()) {
			return "UNDER-REPLICATED";
		}
		return "";
	}

	private static String summary(TopicState topic) {
		long offline = topic.partitions().stream().filter(PartitionState::isOffline).count();
		long under = topic.partitions().stream().filter(PartitionState::isUnderReplicated).count();
		String health = (offline > 0) ? offline + " OFFLINE"
				: (under > 0) ? under + " UNDER-REPLICATED" : "all in sync";
		int replicas = topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size();
		return "%s: %d partitions, RF %d, %s".formatted(topic.name(), topic.partitions().size(), replicas, health);
	}

	private static void renderGroups(ClusterSnapshot snapshot, StringBuilder text) {
		text.append('\n').append("Consumer groups on ").append(Topics.ORDERS).append('\n');
		if (snapshot.groups().isEmpty()) {
			text.append("  (none yet: no service has joined)\n");
		}
		for (GroupState group : snapshot.groups()) {
			text.append("  ")
				.append(group.groupId())
				.append("  ")
				.append(group.state())
				.append(", ")
				.append(group.members().size())
				.append((group.members().size() == 1) ? " member" : " members")
				.append(", lag ")
				.append(group.totalLag())
				.append('\n');
			TextTable members = new TextTable();
			for (Member member : group.members()) {
				members.row("member " + member.clientId(), member.host(),
						member.partitions().isEmpty() ? "no partitions of " + Topics.ORDERS
								: "partitions " + member.partitions()
									.stream()
									.map((partition) -> "p" + partition)
									.collect(Collectors.joining(" ")));
			}
			text.append(members.render("    "));
			TextTable lags = new TextTable();
			for (PartitionLag partition : group.partitions()) {
				lags.row(Topics.ORDERS, "p" + partition.partition(),
						"committed " + ((partition.committedOffset() != null) ? partition.committedOffset() : "-"),
						"end " + partition.logEndOffset(), "lag " + partition.lag().map(String::valueOf).orElse("-"),
						(partition.owner() != null) ? "owner " + partition.owner() : "no owner");
			}
			text.append(lags.render("    "));
		}
	}

	private static String ids(List<Integer> ids) {
		return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
	}

	/** One Admin call after the other, each bounded by the same timeout. */
	private static final class Reader {

		private final Admin admin;

		private final Duration timeout;

		Reader(Admin admin, Duration timeout) {
			this.admin = admin;
			this.timeout = timeout;
		}

		<T> T get(KafkaFuture<T> future) {
			try {
				return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				throw new IllegalStateException("The cluster answered with an error: " + ex.getCause().getMessage(),
						ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("The cluster did not answer within " + this.timeout.toSeconds() + " s",
						ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

		Quorum quorum() {
			try {
				QuorumInfo info = get(this.admin.describeMetadataQuorum().quorumInfo());
				List<Voter> voters = info.voters()
					.stream()
					.map((voter) -> new Voter(voter.replicaId(), voter.logEndOffset()))
					.sorted(Comparator.comparingInt(Voter::id))
					.toList();
				return new Quorum(info.leaderId(), info.leaderEpoch(), voters);
			}
			catch (IllegalStateException ex) {
				return null;
			}
		}

		List<TopicState> topics() {
			Set<String> names = get(this.admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
			if (names.isEmpty()) {
				return List.of();
			}
			Map<String, TopicDescription> descriptions = get(this.admin.describeTopics(names).allTopicNames());
			Map<String, Integer> minIsr = minInsyncReplicas(names);
			return descriptions.values()
				.stream()
				.sorted(Comparator.comparing((TopicDescription topic) -> rank(topic.name()))
					.thenComparing(TopicDescription::name))
				.map((topic) -> new TopicState(topic.name(), topic.isInternal(), minIsr.getOrDefault(topic.name(), 0),
						topic.partitions()
							.stream()
							.sorted(Comparator.comparingInt(TopicPartitionInfo::partition))
							.map(Reader::partitionState)
							.toList()))
				.toList();
		}

		/** Main topics in their defined order, then the rest, internal ones last. */
		private static int rank(String topic) {
			int main = Topics.MAIN.indexOf(topic);
			if (main >= 0) {
				return main;
			}
			return topic.startsWith("__") ? Topics.MAIN.size() + 1 : Topics.MAIN.size();
		}

		private static PartitionState partitionState(TopicPartitionInfo partition) {
			int leader = (partition.leader() != null && !partition.leader().isEmpty()) ? partition.leader().id() : -1;
			return new PartitionState(partition.partition(), leader,
					partition.replicas().stream().map(Node::id).toList(),
					partition.isr().stream().map(Node::id).toList());
		}

		private Map<String, Integer> minInsyncReplicas(Collection<String> topics) {
			List<ConfigResource> resources = topics.stream()
				.map((topic) -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
				.toList();
			Map<ConfigResource, Config> configs = get(this.admin.describeConfigs(resources).all());
			Map<String, Integer> minIsr = new HashMap<>();
			configs.forEach((resource, config) -> {
				ConfigEntry entry = config.get(MIN_INSYNC_REPLICAS);
				if (entry != null && entry.value() != null) {
					minIsr.put(resource.name(), Integer.parseInt(entry.value()));
				}
			});
			return minIsr;
		}

		List<GroupState> groupsOn(String topic) {
			List<String> groupIds = get(this.admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
				.map(GroupListing::groupId)
				.sorted()
				.toList();
			if (groupIds.isEmpty()) {
				return List.of();
			}
			Map<String, ConsumerGroupDescription> descriptions = get(this.admin.describeConsumerGroups(groupIds).all());
			// Every group's offsets in one request per coordinator, not one round trip
			// per group.
			Map<String, ListConsumerGroupOffsetsSpec> specs = new TreeMap<>();
			groupIds.forEach((groupId) -> specs.put(groupId, new ListConsumerGroupOffsetsSpec()));
			Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new TreeMap<>(
					get(this.admin.listConsumerGroupOffsets(specs).all()));
			Map<Integer, Long> ends = logEndOffsets(topic);
			List<GroupState> groups = new ArrayList<>();
			for (String groupId : groupIds) {
				ConsumerGroupDescription description = descriptions.get(groupId);
				Map<TopicPartition, OffsetAndMetadata> offsets = committed.get(groupId);
				boolean readsTopic = offsets.keySet().stream().anyMatch((partition) -> partition.topic().equals(topic))
						|| description.members()
							.stream()
							.anyMatch((member) -> member.assignment()
								.topicPartitions()
								.stream()
								.anyMatch((partition) -> partition.topic().equals(topic)));
				if (readsTopic) {
					groups.add(groupState(description, offsets, ends, topic));
				}
			}
			return groups;
		}

		private static GroupState groupState(ConsumerGroupDescription description,
				Map<TopicPartition, OffsetAndMetadata> offsets, Map<Integer, Long> ends, String topic) {
			List<Member> members = new ArrayList<>();
			Map<Integer, String> owners = new HashMap<>();
			for (MemberDescription member : description.members()) {
				List<Integer> partitions = member.assignment()
					.topicPartitions()
					.stream()
					.filter((partition) -> partition.topic().equals(topic))
					.map(TopicPartition::partition)
					.sorted()
					.toList();
				partitions.forEach((partition) -> owners.put(partition, member.clientId()));
				members.add(new Member(member.clientId(), member.host(), partitions));
			}
			members.sort(Comparator.comparing(Member::clientId).thenComparing(Member::host));
			List<PartitionLag> lags = new ArrayList<>();
			ends.forEach((partition, end) -> {
				OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, partition));
				lags.add(new PartitionLag(partition, (offset != null) ? offset.offset() : null, end,
						owners.get(partition)));
			});
			return new GroupState(description.groupId(), description.groupState().toString(), members, lags);
		}

		private Map<Integer, Long> logEndOffsets(String topic) {
			TopicDescription description = get(this.admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
			Map<TopicPartition, OffsetSpec> request = new HashMap<>();
			description.partitions()
				.forEach((partition) -> request.put(new TopicPartition(topic, partition.partition()),
						OffsetSpec.latest()));
			Map<TopicPartition, ListOffsetsResultInfo> offsets = get(this.admin.listOffsets(request).all());
			Map<Integer, Long> ends = new TreeMap<>();
			offsets.forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
			return ends;
		}

	}

}
