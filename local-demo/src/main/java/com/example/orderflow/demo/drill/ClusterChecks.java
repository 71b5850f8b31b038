package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What the drills ask the cluster itself through the Admin API: who leads each partition,
 * who is in sync, which node leads the metadata quorum.
 */
public final class ClusterChecks implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(250);

	private final Admin admin;

	/**
	 * @param client how to reach the cluster ({@link SystemProcesses#clientProperties})
	 */
	public ClusterChecks(Map<String, Object> client) {
		Map<String, Object> configuration = new HashMap<>(client);
		configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-drill");
		configuration.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
		configuration.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
		this.admin = Admin.create(configuration);
	}

	public Admin admin() {
		return this.admin;
	}

	/** One partition of one topic as the cluster describes it. */
	public record Partition(String topic, int partition, int leader, List<Integer> replicas, List<Integer> isr) {

		public boolean preferredLeads() {
			return !this.replicas.isEmpty() && this.replicas.get(0) == this.leader;
		}

		public boolean fullyInSync() {
			return Set.copyOf(this.isr).equals(Set.copyOf(this.replicas));
		}

	}

	/** Every partition of every topic, internal ones included. */
	public List<Partition> partitions() {
		Set<String> topics = get(() -> this.admin.listTopics(new ListTopicsOptions().listInternal(true)).names());
		Map<String, TopicDescription> descriptions = get(() -> this.admin.describeTopics(topics).allTopicNames());
		List<Partition> partitions = new ArrayList<>();
		for (TopicDescription topic : descriptions.values()) {
			for (TopicPartitionInfo info : topic.partitions()) {
				partitions.add(new Partition(topic.name(), info.partition(),
						(info.leader() != null && !info.leader().isEmpty()) ? info.leader().id() : -1,
						info.replicas().stream().map(Node::id).toList(), info.isr().stream().map(Node::id).toList()));
			}
		}
		return partitions;
	}

	/** The node that leads the metadata quorum: the active controller. */
	public int activeController() {
		return get(() -> this.admin.describeMetadataQuorum().quorumInfo()).leaderId();
	}

	/**
	 * What a consumer group has not yet done for a set of inputs on {@code orders}, or
	 * {@code ""} when it has drained past them: its committed offsets (of the furthest of
	 * {@link ConsumerGroups#writersOf}, read with {@code require_stable}) have passed the
	 * highest input of each partition, and then each of its retry topics, in the order
	 * records travel them, is committed up to where a {@code read_committed} reader ends.
	 * Everything the group will write for those inputs is committed by then, so a count
	 * taken afterwards also sees a duplicate written late.
	 * @param inputs partition of {@code orders} to the highest input offset counted there
	 */
	public String undrained(String group, Map<Integer, Long> inputs) {
		Map<TopicPartition, Long> committed = new HashMap<>();
		for (String writer : ConsumerGroups.writersOf(group)) {
			get(() -> this.admin
				.listConsumerGroupOffsets(writer, new ListConsumerGroupOffsetsOptions().requireStable(true))
				.partitionsToOffsetAndMetadata()).forEach((partition, offset) -> {
					if (offset != null) {
						committed.merge(partition, offset.offset(), Math::max);
					}
				});
		}
		for (Map.Entry<Integer, Long> input : inputs.entrySet()) {
			TopicPartition partition = new TopicPartition(Topics.ORDERS, input.getKey());
			if (committed.getOrDefault(partition, -1L) <= input.getValue()) {
				return "%s at %s offset %d of %d".formatted(group, partition, committed.getOrDefault(partition, -1L),
						input.getValue() + 1);
			}
		}
		Set<String> topics = get(() -> this.admin.listTopics().names());
		for (String writer : ConsumerGroups.writersOf(group)) {
			for (int level = 1; topics.contains(Topics.retry(writer, level)); level++) {
				String retryTopic = Topics.retry(writer, level);
				List<TopicPartition> partitions = new ArrayList<>();
				for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
					partitions.add(new TopicPartition(retryTopic, partition));
				}
				for (Map.Entry<TopicPartition, Long> end : ends(partitions, IsolationLevel.READ_COMMITTED).entrySet()) {
					long offset = committed.getOrDefault(end.getKey(), 0L);
					if (offset < end.getValue()) {
						return "%s at %s offset %d of %d".formatted(writer, end.getKey(), offset, end.getValue());
					}
				}
			}
		}
		return "";
	}

	/**
	 * Where a transaction is still open on a topic, or {@code ""} when none is: a
	 * partition whose last stable offset, where {@code read_committed} readers stop, is
	 * below its end. A producer {@code kill -9}ed in the middle of a transaction leaves
	 * it open until its coordinator aborts it ({@code transaction.timeout.ms}, checked
	 * every 10 s); until then a {@code read_committed} reader does not see what other
	 * producers committed after it on that partition, although it is committed. A count
	 * of the outputs read before that would find them missing.
	 */
	public String openTransaction(String topic) {
		return openTransaction(List.of(topic));
	}

	/**
	 * Where a transaction is still open on any of the topics (see
	 * {@link #openTransaction(String)}), or {@code ""} when none is: one read of their
	 * partitions' ends for all of them.
	 */
	public String openTransaction(Collection<String> topics) {
		List<TopicPartition> partitions = get(() -> this.admin.describeTopics(topics).allTopicNames()).values()
			.stream()
			.flatMap((topic) -> topic.partitions()
				.stream()
				.map((info) -> new TopicPartition(topic.name(), info.partition())))
			.toList();
		Map<TopicPartition, Long> stable = ends(partitions, IsolationLevel.READ_COMMITTED);
		Map<TopicPartition, Long> ends = ends(partitions, IsolationLevel.READ_UNCOMMITTED);
		for (TopicPartition partition : partitions) {
			long lastStable = stable.get(partition);
			long end = ends.get(partition);
			if (lastStable < end) {
				return "a transaction open on %s: read_committed readers stop at offset %d of %d".formatted(partition,
						lastStable, end);
			}
		}
		return "";
	}

	/**
	 * Where each partition ends for a reader of this isolation level: its last stable
	 * offset for {@code read_committed}, its high watermark otherwise.
	 */
	private Map<TopicPartition, Long> ends(Collection<TopicPartition> partitions, IsolationLevel isolation) {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		partitions.forEach((partition) -> latest.put(partition, OffsetSpec.latest()));
		Map<TopicPartition, Long> ends = new HashMap<>();
		get(() -> this.admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all())
			.forEach((partition, info) -> ends.put(partition, info.offset()));
		return ends;
	}

	/** Asks for the preferred replica of every partition to lead again. */
	public void electPreferredLeaders() {
		try {
			this.admin.electLeaders(ElectionType.PREFERRED, null).all().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			// ElectionNotNeeded for the partitions already led by their preferred
			// replica: what counts is checked afterwards.
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("No answer to the preferred leader election", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Polls until the condition holds on a fresh description, or the timeout passes.
	 * @return the seconds it took, or -1 if it never held
	 */
	public double await(java.util.function.Predicate<List<Partition>> condition, Duration timeout) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (condition.test(partitions())) {
					return (System.nanoTime() - started) / 1e9;
				}
			}
			catch (RuntimeException ex) {
				// The cluster is changing: ask again.
			}
			pause(POLL);
		}
		return -1;
	}

	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Creates the topic unless it exists.
	 * @return whether this call created it
	 */
	public boolean createIfMissing(NewTopic topic) {
		try {
			get(() -> this.admin.createTopics(List.of(topic)).all());
			return true;
		}
		catch (IllegalStateException ex) {
			if (ex.getCause() instanceof TopicExistsException) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * One Admin call's answer within 15 s; the cluster's refusal (its exception as the
	 * cause) or no answer as an {@link IllegalStateException}.
	 */
	public static <T> T get(Supplier<KafkaFuture<T>> call) {
		try {
			return call.get().get(15, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("No answer from the cluster within 15 s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(2));
	}

}
