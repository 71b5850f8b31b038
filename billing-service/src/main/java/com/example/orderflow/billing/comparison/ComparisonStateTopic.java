package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The comparison's durable state: {@link Topics#BILLING_COMPARISON}, compacted, one
 * record per order keyed by orderId, its value the {@link OrderComparison} as JSON. The
 * only class that writes or reads it.
 */
class ComparisonStateTopic {

	private static final Logger logger = LoggerFactory.getLogger(ComparisonStateTopic.class);

	private static final Duration POLL = Duration.ofMillis(200);

	private final KafkaTemplate<Object, Object> kafka;

	private final DefaultKafkaConsumerFactory<String, byte[]> readers;

	// A state written by a newer version with more fields must still be readable.
	private final JsonMapper json = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	ComparisonStateTopic(KafkaTemplate<Object, Object> kafka, ConsumerFactory<?, ?> serviceConsumers) {
		this.kafka = kafka;
		this.readers = new DefaultKafkaConsumerFactory<>(readerConfig(serviceConsumers), new StringDeserializer(),
				new ByteArrayDeserializer());
	}

	/**
	 * The service's consumer settings (servers, security) without its event deserializers
	 * and without a group: the reader takes every partition itself and commits nothing.
	 * {@code read_committed}, so an aborted write is never read back.
	 */
	private static Map<String, Object> readerConfig(ConsumerFactory<?, ?> serviceConsumers) {
		Map<String, Object> config = new HashMap<>(serviceConsumers.getConfigurationProperties());
		config.keySet().removeIf((name) -> name.startsWith("spring.") || name.endsWith(".deserializer"));
		config.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// Kafka's shape consumer-<group>-<n>, which the alerts and the dashboard read the
		// group of a lag series from: this group-less reader shows as
		// billing-comparison-state-reader.
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "consumer-" + Topics.BILLING_COMPARISON + "-state-reader-0");
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		return config;
	}

	/**
	 * Writes an order's state. Called from the listener, so the send joins its Kafka
	 * transaction and commits together with the consumed offset.
	 */
	void save(OrderComparison order) {
		this.kafka.send(Topics.BILLING_COMPARISON, order.orderId().toString(), this.json.writeValueAsBytes(order));
	}

	/**
	 * Reads the topic from the beginning up to its end as of this call (the last stable
	 * offsets) into the comparisons.
	 * @throws RuntimeException if the cluster does not answer; the caller tries again
	 */
	void readInto(Comparisons comparisons, Duration timeout) {
		try (Consumer<String, byte[]> consumer = this.readers.createConsumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(Topics.BILLING_COMPARISON, timeout)
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
			long deadline = System.nanoTime() + timeout.toNanos();
			long records = 0;
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"Could not read " + Topics.BILLING_COMPARISON + " to its end within " + timeout);
				}
				for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
					restore(comparisons, record);
					records++;
				}
			}
			logger.info("Read {} to its end: {} records", Topics.BILLING_COMPARISON, records);
		}
	}

	private void restore(Comparisons comparisons, ConsumerRecord<String, byte[]> record) {
		try {
			if (record.value() == null) {
				comparisons.forget(UUID.fromString(record.key()));
			}
			else {
				comparisons.restore(this.json.readValue(record.value(), OrderComparison.class));
			}
		}
		catch (JacksonException | IllegalArgumentException ex) {
			// One unreadable state record loses one order's history, not the comparison.
			logger.error("Could not read the state of order {} at {}-{}@{}: {}", record.key(), record.topic(),
					record.partition(), record.offset(), ex.getMessage());
		}
	}

}
