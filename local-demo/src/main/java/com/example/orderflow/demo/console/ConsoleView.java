package com.example.orderflow.demo.console;

import java.util.List;
import java.util.Map;

/**
 * What the console's page draws: the JSON of each server-sent event, sent when a reading
 * changes and at least once a second. A plain value, read by {@link ConsoleReader}; the
 * page's script is its only other reader.
 *
 * @param at when it was read (epoch milliseconds)
 * @param bootstrapServers the cluster's address
 * @param nodes the three KRaft nodes
 * @param topics the main topics, partition by partition
 * @param groups the consumer groups on {@code orders}
 * @param blueGreen billing v1 against v2
 * @param services every service's instances and their health
 * @param load the order load started from the page, if any
 * @param problem what could not be read this time, {@code null} if all was
 */
record ConsoleView(long at, String bootstrapServers, List<NodeView> nodes, List<TopicView> topics,
		List<GroupView> groups, BlueGreenView blueGreen, List<ServiceView> services, LoadView load, String problem) {

	/**
	 * A Kafka node (broker and controller).
	 *
	 * @param id its node id
	 * @param up whether its broker is registered
	 * @param controller whether it is the active controller (the quorum's leader)
	 * @param address where clients reach it
	 */
	record NodeView(int id, boolean up, boolean controller, String address) {

	}

	/**
	 * @param name the topic
	 * @param minInsyncReplicas below this many in-sync replicas, writes fail
	 * @param partitions each partition's leader, replicas and ISR
	 */
	record TopicView(String name, int minInsyncReplicas, List<PartitionView> partitions) {

	}

	/**
	 * @param partition its number
	 * @param leader the leading node, -1 if none
	 * @param replicas the nodes that hold a copy, preferred leader first
	 * @param isr the replicas in sync
	 */
	record PartitionView(int partition, int leader, List<Integer> replicas, List<Integer> isr) {

	}

	/**
	 * @param groupId the group, which is also the service that runs it
	 * @param state Stable, PreparingRebalance, Empty, ...
	 * @param members its members and the partitions of {@code orders} each owns
	 * @param partitions committed offset, log end and lag per partition of {@code orders}
	 * @param lag the sum of the partitions' lags
	 * @param retryTopics the group's retry topics
	 * @param deadLetterTopic the group's dead-letter topic
	 * @param parked the records in its dead-letter topic, as its service lists them
	 */
	record GroupView(String groupId, String state, List<MemberView> members, List<LagView> partitions, long lag,
			List<TopicSize> retryTopics, TopicSize deadLetterTopic, List<Map<String, Object>> parked) {

	}

	/**
	 * @param clientId the consumer's client id (which names the listener)
	 * @param host where it connects from
	 * @param partitions the partitions of {@code orders} it owns
	 */
	record MemberView(String clientId, String host, List<Integer> partitions) {

	}

	/**
	 * @param partition a partition of {@code orders}
	 * @param committed the group's committed offset, -1 if none
	 * @param end the log end offset
	 * @param lag end minus committed, -1 if nothing is committed
	 * @param owner the client id that owns it, {@code null} if none
	 */
	record LagView(int partition, long committed, long end, long lag, String owner) {

	}

	/**
	 * @param topic a topic's name
	 * @param offsets how many offsets its partitions hold (records and transaction
	 * markers)
	 */
	record TopicSize(String topic, long offsets) {

	}

	/**
	 * @param live which version writes {@code invoices}: v1, v2, or {@code null} while
	 * offsets are handed over or billing does not answer
	 * @param comparison billing-v2's counts (match, mismatch, missingInV1, missingInV2,
	 * pending), empty if it does not answer
	 */
	record BlueGreenView(String live, Map<String, Long> comparison) {

	}

	/**
	 * @param service a service
	 * @param instances its running instances
	 */
	record ServiceView(String service, List<InstanceView> instances) {

	}

	/**
	 * @param name the instance ({@code fraud-service-2})
	 * @param uri where it listens
	 * @param health its actuator's status (UP, DOWN, ...), or "no answer"
	 */
	record InstanceView(String name, String uri, String health) {

	}

	/**
	 * @param running whether a load started from the page runs now
	 * @param last its last progress line, or its summary once it ended
	 */
	record LoadView(boolean running, String last) {

	}

}
