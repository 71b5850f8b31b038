package com.example.orderflow.orders.order;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands the partitions of {@code orders} out to the orders-service instances of the
 * ownership group, and tells every instance who owns which: each member joins with its
 * HTTP address, and every member's assignment carries the whole map, as Kafka Streams
 * does with {@code application.server}. The partitions go round the members in the order
 * of their addresses, so the same instances get the same partitions after every
 * rebalance.
 * <p>
 * Kafka creates it by its class name ({@code partition.assignment.strategy}) and hands it
 * the consumer's configuration: {@link #ADDRESS} and {@link #LISTENER} come from there.
 */
public final class OwnersAssignor implements ConsumerPartitionAssignor, Configurable {

	/** This instance's address, {@code http://host:port}. */
	static final String ADDRESS = "orderflow.orders.ownership.address";

	/** A {@code Consumer<Map<Integer, String>>} told the owners after each assignment. */
	static final String LISTENER = "orderflow.orders.ownership.listener";

	private String address = "";

	private Consumer<Map<Integer, String>> listener = (owners) -> {
	};

	@Override
	@SuppressWarnings("unchecked")
	public void configure(Map<String, ?> configs) {
		this.address = (String) configs.get(ADDRESS);
		this.listener = (Consumer<Map<Integer, String>>) configs.get(LISTENER);
	}

	@Override
	public ByteBuffer subscriptionUserData(Set<String> topics) {
		return ByteBuffer.wrap(this.address.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public GroupAssignment assign(Cluster metadata, GroupSubscription group) {
		Map<String, String> addresses = new TreeMap<>();
		group.groupSubscription()
			.forEach((member, subscription) -> addresses.put(member, text(subscription.userData())));
		List<String> members = new ArrayList<>(addresses.keySet());
		members.sort(Comparator.comparing((String member) -> addresses.get(member))
			.thenComparing(Comparator.naturalOrder()));
		Integer count = metadata.partitionCountForTopic(Topics.ORDERS);
		Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
		members.forEach((member) -> partitions.put(member, new ArrayList<>()));
		Map<Integer, String> owners = new TreeMap<>();
		for (int partition = 0; partition < ((count != null) ? count : 0); partition++) {
			String member = members.get(partition % members.size());
			partitions.get(member).add(new TopicPartition(Topics.ORDERS, partition));
			owners.put(partition, addresses.get(member));
		}
		ByteBuffer encoded = encode(owners);
		Map<String, Assignment> assignments = new HashMap<>();
		partitions
			.forEach((member, assigned) -> assignments.put(member, new Assignment(assigned, encoded.duplicate())));
		return new GroupAssignment(assignments);
	}

	@Override
	public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
		this.listener.accept(decode(assignment.userData()));
	}

	@Override
	public String name() {
		return "orderflow-orders-owners";
	}

	static ByteBuffer encode(Map<Integer, String> owners) {
		StringBuilder text = new StringBuilder();
		owners.forEach((partition, address) -> text.append(partition).append('=').append(address).append('\n'));
		return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
	}

	static Map<Integer, String> decode(ByteBuffer encoded) {
		Map<Integer, String> owners = new TreeMap<>();
		if (encoded == null) {
			return owners;
		}
		for (String line : text(encoded).split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0) {
				owners.put(Integer.parseInt(line.substring(0, equals)), line.substring(equals + 1));
			}
		}
		return owners;
	}

	private static String text(ByteBuffer buffer) {
		if (buffer == null) {
			return "";
		}
		ByteBuffer copy = buffer.duplicate();
		byte[] bytes = new byte[copy.remaining()];
		copy.get(bytes);
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
