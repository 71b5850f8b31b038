package com.example.orderflow.kafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The two topics the DLQ consumer reads, and how it reads them: the group's dead-letter
 * topic, and its first retry topic, where replays go. Values stay raw bytes, because a
 * dead-letter topic also holds bytes that never were an event.
 */
class DeadLetterTopic implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterTopic.class);

	private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration SHORT_FETCH_WAIT = Duration.ofMillis(20);

	private final ConsumerService service;

	private final DefaultKafkaConsumerFactory<String, byte[]> consumers;

	private final KafkaAdmin admin;

	/** For the replays' offset look-ups; made at the first, closed with the service. */
	private @Nullable Admin offsets;

	private boolean closed;

	DeadLetterTopic(ConsumerService service, ConsumerFactory<?, ?> serviceConsumers, KafkaAdmin admin) {
		this.service = service;
		this.consumers = new DefaultKafkaConsumerFactory<>(configFrom(serviceConsumers), new StringDeserializer(),
				new ByteArrayDeserializer());
		this.admin = admin;
	}

	/**
	 * The service's consumer settings (servers, security) under the group's DLQ group id,
	 * without its event deserializers; {@code read_committed} and from the beginning
	 * whatever the service chose.
	 */
	private Map<String, Object> configFrom(ConsumerFactory<?, ?> serviceConsumers) {
		Map<String, Object> config = new HashMap<>(serviceConsumers.getConfigurationProperties());
		config.keySet().removeIf((name) -> name.startsWith("spring.") || name.endsWith(".deserializer"));
		config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		return config;
	}

	String name() {
		return this.service.deadLetterTopic();
	}

	/** Where replays go: never {@code orders}, which every group reads. */
	String replayTopic() {
		return this.service.retryTopic(1);
	}

	String groupId() {
		return this.service.group() + "-dlq";
	}

	ConsumerFactory<String, byte[]> consumers() {
		return this.consumers;
	}

	/**
	 * Every partition of both topics. The service created the topics at start-up, before
	 * anything is started; should the cluster not answer, assume the partition count the
	 * service created them with.
	 */
	List<TopicPartition> partitions() {
		List<String> topics = List.of(name(), replayTopic());
		Map<String, Integer> counts = new HashMap<>();
		try {
			this.admin.describeTopics(topics.toArray(String[]::new))
				.forEach((topic, description) -> counts.put(topic, description.partitions().size()));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not describe {} ({}); assuming {} partitions each", topics, ex.getMessage(),
					Topics.PARTITIONS);
		}
		List<TopicPartition> partitions = new ArrayList<>();
		for (String topic : topics) {
			for (int partition = 0; partition < counts.getOrDefault(topic, Topics.PARTITIONS); partition++) {
				partitions.add(new TopicPartition(topic, partition));
			}
		}
		return partitions;
	}

	/**
	 * A {@code read_committed} reader of one partition of the replay topic, for the
	 * replay marks on it, starting at an offset.
	 */
	Consumer<String, byte[]> replayTopicReader(int partition, long from) {
		String clientId = groupId() + "-replay-" + partition;
		Consumer<String, byte[]> reader = shortLivedConsumer(clientId);
		TopicPartition replayPartition = new TopicPartition(replayTopic(), partition);
		reader.assign(List.of(replayPartition));
		reader.seek(replayPartition, from);
		return reader;
	}

	/**
	 * A consumer for one replay's reads, which waits for data only briefly: a fetch waits
	 * up to {@code fetch.max.wait.ms} (500 ms) for data, and closing the consumer waits
	 * for that fetch to come back, so with the default each replay took half a second
	 * longer per consumer.
	 */
	private Consumer<String, byte[]> shortLivedConsumer(String clientId) {
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(SHORT_FETCH_WAIT.toMillis()));
		return this.consumers.createConsumer(groupId(), clientId, null, overrides);
	}

	/**
	 * The high watermark of a partition of the replay topic: the end of everything
	 * written to it and acknowledged, whether its transaction is decided or not. Unlike
	 * the last stable offset (a {@code read_committed} reader's end), it is not held back
	 * by a transaction that is still open; a reader that got this far has seen every
	 * record committed before the look-up.
	 */
	long replayTopicEnd(int partition) {
		TopicPartition replayPartition = new TopicPartition(replayTopic(), partition);
		try {
			return offsets().listOffsets(Map.of(replayPartition, OffsetSpec.latest()))
				.partitionResult(replayPartition)
				.get(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.offset();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not look up the end of " + replayPartition + ": " + ex.getMessage(),
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while looking up the end of " + replayPartition, ex);
		}
	}

	private synchronized Admin offsets() {
		if (this.closed) {
			throw new IllegalStateException("Closed");
		}
		if (this.offsets == null) {
			this.offsets = Admin.create(this.admin.getConfigurationProperties());
		}
		return this.offsets;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.offsets != null) {
			this.offsets.close(CLOSE_TIMEOUT);
			this.offsets = null;
		}
	}

	/**
	 * The parked records themselves, read again from the topic with one consumer: the
	 * index keeps only what it lists, not every payload. A record the topic no longer
	 * holds (retention) is missing from the answer.
	 */
	Map<ParkedRecordId, ConsumerRecord<String, byte[]>> fetch(Collection<ParkedRecordId> ids) {
		Map<ParkedRecordId, ConsumerRecord<String, byte[]>> records = new HashMap<>();
		if (ids.isEmpty()) {
			return records;
		}
		try (Consumer<String, byte[]> consumer = shortLivedConsumer(groupId() + "-replay")) {
			for (ParkedRecordId id : ids) {
				fetch(consumer, id).ifPresent((record) -> records.put(id, record));
			}
		}
		return records;
	}

	private Optional<ConsumerRecord<String, byte[]>> fetch(Consumer<String, byte[]> consumer, ParkedRecordId id) {
		TopicPartition partition = new TopicPartition(name(), id.partition());
		if (!consumer.assignment().equals(Set.of(partition))) {
			consumer.assign(List.of(partition));
		}
		consumer.seek(partition, id.offset());
		long deadline = System.nanoTime() + FETCH_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200)).records(partition)) {
				return (record.offset() == id.offset()) ? Optional.of(record) : Optional.empty();
			}
			if (consumer.position(partition) > id.offset()) {
				return Optional.empty();
			}
		}
		throw new IllegalStateException("Could not read " + name() + " " + id + " within " + FETCH_TIMEOUT);
	}

}
