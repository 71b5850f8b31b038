package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A drill's eyes: one {@code read_committed} consumer without a group on every watched
 * topic, positioned at their ends before the order exists, keeping every record of the
 * order (by key) as it appears.
 */
final class OrderRecordWatch implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(200);

	private final List<String> topics;

	private final String writers;

	private final Duration stepTimeout;

	private final Consumer<String> progress;

	private final KafkaConsumer<String, byte[]> consumer;

	private final List<TopicPartition> partitions = new ArrayList<>();

	private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

	/** Records compare by identity: each is one delivery to this consumer. */
	private final Set<ConsumerRecord<String, byte[]>> claimed = new HashSet<>();

	private String key;

	/**
	 * @param client how to reach the cluster, as the drill does
	 * @param topics the topics to watch
	 * @param writers who writes them, named when one is missing
	 * @param stepTimeout how long {@link #await} waits
	 * @param progress told every few seconds what a long wait waits for
	 */
	OrderRecordWatch(Map<String, Object> client, List<String> topics, String writers, Duration stepTimeout,
			Consumer<String> progress) {
		this.topics = topics;
		this.writers = writers;
		this.stepTimeout = stepTimeout;
		this.progress = progress;
		Map<String, Object> configuration = new HashMap<>(client);
		configuration.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		configuration.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configuration.put(ConsumerConfig.CLIENT_ID_CONFIG, "orderflow-failure-drill");
		this.consumer = new KafkaConsumer<>(configuration, new StringDeserializer(), new ByteArrayDeserializer());
	}

	/** Positions at the end of every watched topic: nothing older is looked at. */
	void start() {
		for (String topic : this.topics) {
			List<PartitionInfo> infos = this.consumer.partitionsFor(topic, Duration.ofSeconds(30));
			if (infos == null || infos.isEmpty()) {
				throw new DrillStepFailed("No topic " + topic + " on the cluster: is " + this.writers + " running?");
			}
			infos.forEach((info) -> this.partitions.add(new TopicPartition(topic, info.partition())));
		}
		this.consumer.assign(this.partitions);
		this.consumer.endOffsets(this.partitions, Duration.ofSeconds(30)).forEach(this.consumer::seek);
		// Resolve the positions now, before the order exists.
		this.partitions.forEach((partition) -> this.consumer.position(partition, Duration.ofSeconds(30)));
	}

	void follow(String key) {
		this.key = key;
	}

	/**
	 * The first record not claimed yet that matches, waiting up to the step timeout.
	 */
	ConsumerRecord<String, byte[]> await(String what, Predicate<ConsumerRecord<String, byte[]>> match) {
		long deadline = System.nanoTime() + this.stepTimeout.toNanos();
		StillWaiting waiting = new StillWaiting(what, this.progress);
		while (true) {
			for (ConsumerRecord<String, byte[]> record : this.seen) {
				if (!this.claimed.contains(record) && match.test(record)) {
					this.claimed.add(record);
					return record;
				}
			}
			if (System.nanoTime() > deadline) {
				throw new DrillStepFailed("Not on " + what + " within " + this.stepTimeout.toSeconds() + " s; seen for "
						+ this.key + ": " + describe(this.seen));
			}
			waiting.note();
			pollOnce();
		}
	}

	/** Polls until every partition of the topic is read up to its committed end. */
	void readToEnd(String topic) {
		List<TopicPartition> ofTopic = this.partitions.stream()
			.filter((partition) -> partition.topic().equals(topic))
			.toList();
		Map<TopicPartition, Long> ends = this.consumer.endOffsets(ofTopic, Duration.ofSeconds(30));
		long deadline = System.nanoTime() + this.stepTimeout.toNanos();
		while (ends.entrySet()
			.stream()
			.anyMatch((end) -> this.consumer.position(end.getKey(), Duration.ofSeconds(30)) < end.getValue())) {
			if (System.nanoTime() > deadline) {
				throw new DrillStepFailed(
						"Could not read " + topic + " to its end within " + this.stepTimeout.toSeconds() + " s");
			}
			pollOnce();
		}
	}

	List<ConsumerRecord<String, byte[]>> seen(String topic) {
		pollOnce();
		return this.seen.stream().filter((record) -> record.topic().equals(topic)).toList();
	}

	private void pollOnce() {
		for (ConsumerRecord<String, byte[]> record : this.consumer.poll(POLL)) {
			if (record.key() != null && record.key().equals(this.key)) {
				this.seen.add(record);
			}
		}
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(5));
	}

	static String where(ConsumerRecord<?, ?> record) {
		return record.partition() + "@" + record.offset();
	}

	private static String describe(List<ConsumerRecord<String, byte[]>> records) {
		if (records.isEmpty()) {
			return "nothing";
		}
		return String.join(", ", records.stream().map((record) -> record.topic() + " " + where(record)).toList());
	}

}
