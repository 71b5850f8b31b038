package com.example.orderflow.testsupport;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group is done with a set of inputs: its committed offsets on
 * {@code orders} have passed every one of them, and then each of its retry topics, in the
 * order records travel them, is committed up to its end. Only then is everything the
 * group will ever write for those inputs committed (the outputs commit with the offsets),
 * so an exactly-once count taken now sees a duplicate that a count taken at the first
 * moment nothing is missing would not.
 */
final class GroupDrain {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

	private final Admin admin;

	GroupDrain(Admin admin) {
		this.admin = admin;
	}

	/**
	 * Whether the group (or, for billing, whichever of its writers is furthest, see
	 * {@link ConsumerGroups#writersOf}) has drained past these inputs.
	 * @param inputs the input records on {@code orders}: partition to the highest offset
	 * counted there
	 * @return what it still waits for, empty when drained
	 */
	String pending(String group, Map<Integer, Long> inputs) {
		List<String> writers = ConsumerGroups.writersOf(group);
		Map<TopicPartition, Long> committed = furthestCommitted(writers);
		for (Map.Entry<Integer, Long> input : inputs.entrySet()) {
			long offset = committed.getOrDefault(new TopicPartition(Topics.ORDERS, input.getKey()), -1L);
			if (offset <= input.getValue()) {
				return "%s committed %s-%d up to %d, the input at %d not yet".formatted(writers, Topics.ORDERS,
						input.getKey(), offset, input.getValue());
			}
		}
		for (String writer : writers) {
			for (String retryTopic : retryTopics(writer)) {
				Map<TopicPartition, Long> ends = ends(retryTopic);
				for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
					long offset = committed.getOrDefault(end.getKey(), 0L);
					if (offset < end.getValue()) {
						return "%s committed %s up to %d of %d".formatted(writer, end.getKey(), offset, end.getValue());
					}
				}
			}
		}
		return "";
	}

	/** Per partition, the highest offset any of the groups committed. */
	private Map<TopicPartition, Long> furthestCommitted(List<String> groups) {
		Map<TopicPartition, Long> furthest = new HashMap<>();
		for (String group : groups) {
			Map<TopicPartition, OffsetAndMetadata> offsets = get(this.admin
				.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().requireStable(true))
				.partitionsToOffsetAndMetadata());
			offsets.forEach((partition, offset) -> {
				if (offset != null) {
					furthest.merge(partition, offset.offset(), Math::max);
				}
			});
		}
		return furthest;
	}

	/** The group's retry topics in the order records travel them. */
	private Collection<String> retryTopics(String group) {
		String prefix = Topics.retry(group, 1).substring(0, Topics.retry(group, 1).length() - 1);
		Set<String> names = get(this.admin.listTopics().names());
		Set<String> retries = new TreeSet<>();
		for (int level = 1; names.contains(prefix + level); level++) {
			retries.add(prefix + level);
		}
		return retries;
	}

	/** Where a read_committed reader of the topic ends now, per partition. */
	private Map<TopicPartition, Long> ends(String topic) {
		int partitions = get(this.admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < partitions; partition++) {
			latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> ends = new HashMap<>();
		get(this.admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
			.forEach((partition, info) -> ends.put(partition, info.offset()));
		return ends;
	}

	private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) {
		try {
			return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The cluster did not answer: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
