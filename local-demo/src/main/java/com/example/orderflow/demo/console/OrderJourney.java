package com.example.orderflow.demo.console;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One order's journey: every record keyed by its orderId on {@code orders}, on each
 * group's output topic and on each group's retry and dead-letter topics, with its type,
 * its coordinates and whether its transaction committed. Every record of an order lives
 * in the same partition number of each topic (same key, same partition count, and the
 * retry and dead-letter records keep their original partition), so one partition per
 * topic is read, from its start: once with {@code read_uncommitted} to see everything,
 * once with {@code read_committed} to know what committed.
 */
final class OrderJourney {

	private static final String TRACEPARENT = "traceparent";

	private static final Duration POLL = Duration.ofMillis(200);

	/** How long one reading of a topic's partition may take. */
	private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	private final Map<String, Object> client;

	private final Function<String, String> traceLink;

	/**
	 * @param client how to reach the cluster, as a principal that may read every topic
	 * @param traceLink a trace id's page in the trace store
	 */
	OrderJourney(Map<String, Object> client, Function<String, String> traceLink) {
		this.client = client;
		this.traceLink = traceLink;
	}

	/**
	 * A record of the order.
	 *
	 * @param topic where it is
	 * @param partition its partition
	 * @param offset its offset
	 * @param type its event type ({@code order-created}, ...), "?" without a type header
	 * @param status committed, aborted, or open (its transaction has not ended)
	 * @param writtenBy the group that writes that topic, {@code null} for {@code orders}
	 * @param timestamp when it was written (epoch milliseconds)
	 */
	record JourneyRecord(String topic, int partition, long offset, String type, String status, String writtenBy,
			long timestamp) {

	}

	/**
	 * @param orderId the order
	 * @param records its records, oldest first
	 * @param traceId the trace of its first record, {@code null} if it carried none
	 * @param traceUri that trace in the trace store
	 */
	record Journey(String orderId, List<JourneyRecord> records, String traceId, String traceUri) {

	}

	Journey of(String orderId) {
		Map<String, Object> configuration = new HashMap<>(this.client);
		configuration.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configuration.put(ConsumerConfig.CLIENT_ID_CONFIG, "orderflow-console-journey");
		List<ConsumerRecord<String, byte[]>> all;
		Set<String> committed = new HashSet<>();
		List<TopicPartition> partitions;
		try (KafkaConsumer<String, byte[]> everything = consumer(configuration, "read_uncommitted");
				KafkaConsumer<String, byte[]> onlyCommitted = consumer(configuration, "read_committed")) {
			partitions = partitionsOf(everything, orderId);
			all = read(everything, partitions, orderId);
			read(onlyCommitted, partitions, orderId).forEach((record) -> committed.add(coordinates(record)));
			Map<TopicPartition, Long> stable = onlyCommitted.endOffsets(partitions, READ_TIMEOUT);
			List<JourneyRecord> records = all.stream()
				.sorted(Comparator.comparingLong(ConsumerRecord<String, byte[]>::timestamp)
					.thenComparing(ConsumerRecord::topic))
				.map((record) -> new JourneyRecord(record.topic(), record.partition(), record.offset(), type(record),
						committed.contains(coordinates(record)) ? "committed"
								: (record.offset() >= stable.getOrDefault(
										new TopicPartition(record.topic(), record.partition()), Long.MAX_VALUE))
												? "open" : "aborted",
						writerOf(record.topic()), record.timestamp()))
				.toList();
			String traceId = all.stream()
				.filter((record) -> record.topic().equals(Topics.ORDERS))
				.map(OrderJourney::traceId)
				.filter((id) -> id != null)
				.findFirst()
				.orElse(null);
			return new Journey(orderId, records, traceId, (traceId != null) ? this.traceLink.apply(traceId) : null);
		}
	}

	private static KafkaConsumer<String, byte[]> consumer(Map<String, Object> configuration, String isolation) {
		Map<String, Object> own = new HashMap<>(configuration);
		own.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
		return new KafkaConsumer<>(own, new org.apache.kafka.common.serialization.StringDeserializer(),
				new ByteArrayDeserializer());
	}

	/**
	 * The order's partition of {@code orders}, each output topic and each group's retry
	 * and dead-letter topics.
	 */
	private static List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String orderId) {
		List<TopicPartition> partitions = new ArrayList<>();
		consumer.listTopics(READ_TIMEOUT).forEach((topic, infos) -> {
			boolean journeyTopic = Topics.MAIN.contains(topic) || topic.startsWith(Topics.ORDERS + "-");
			if (journeyTopic && !infos.isEmpty()) {
				partitions.add(new TopicPartition(topic, partitionOf(orderId, infos)));
			}
		});
		partitions.sort(Comparator.comparing(TopicPartition::topic));
		return partitions;
	}

	/** Where the producers' default partitioner puts this key. */
	static int partitionOf(String key, List<PartitionInfo> infos) {
		return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % infos.size();
	}

	private static List<ConsumerRecord<String, byte[]>> read(KafkaConsumer<String, byte[]> consumer,
			List<TopicPartition> partitions, String orderId) {
		consumer.assign(partitions);
		consumer.seekToBeginning(partitions);
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
		List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
		long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
		while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Could not read the topics to their end within " + READ_TIMEOUT);
			}
			for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
				if (orderId.equals(record.key())) {
					found.add(record);
				}
			}
		}
		return found;
	}

	private static String coordinates(ConsumerRecord<String, byte[]> record) {
		return record.topic() + "/" + record.partition() + "@" + record.offset();
	}

	private static String type(ConsumerRecord<String, byte[]> record) {
		Header type = record.headers().lastHeader(EventTypes.HEADER);
		return (type != null) ? new String(type.value(), StandardCharsets.UTF_8) : "?";
	}

	/** The trace id of a W3C {@code traceparent} header: 00-traceid-spanid-flags. */
	private static String traceId(ConsumerRecord<String, byte[]> record) {
		Header header = record.headers().lastHeader(TRACEPARENT);
		if (header == null) {
			return null;
		}
		String[] parts = new String(header.value(), StandardCharsets.UTF_8).split("-");
		return (parts.length == 4) ? parts[1] : null;
	}

	/**
	 * The group that writes a topic: an output's writer, or the group whose retry or
	 * dead-letter topic it is; {@code null} for {@code orders}.
	 */
	private static String writerOf(String topic) {
		for (Map.Entry<String, String> output : ConsumerGroups.OUTPUT_TOPICS.entrySet()) {
			if (output.getValue().equals(topic)) {
				return output.getKey();
			}
		}
		for (String group : ConsumerGroups.ALL) {
			if (topic.startsWith(Topics.ORDERS + "-" + group + "-")) {
				return group;
			}
		}
		return null;
	}

}
