package com.example.orderflow.billing.cutover;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the {@code billing-live-writer} topic: one partition, one key, JSON
 * values, compacted so that only the latest record matters. Plain clients on purpose: the
 * application's template is transactional and types its values as events, and this record
 * is billing's own, not an event.
 */
class LiveWriterLog {

	static final TopicPartition PARTITION = new TopicPartition(Topics.BILLING_LIVE_WRITER, 0);

	/** The one key: every record replaces the one before. */
	static final String KEY = "billing";

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

	private final Map<String, Object> clientConfig;

	private final JsonMapper json;

	/**
	 * @param clientConfig where the cluster is and how to reach it (the admin client's
	 * settings)
	 */
	LiveWriterLog(Map<String, Object> clientConfig, JsonMapper json) {
		this.clientConfig = Map.copyOf(clientConfig);
		this.json = json;
	}

	/** The latest record, read from the start of the topic to its end. */
	LiveWriter current() {
		try (KafkaConsumer<String, String> consumer = newConsumer()) {
			return readToEnd(consumer);
		}
	}

	/**
	 * Assigns the consumer the topic's one partition and reads it from the start to the
	 * end it has now; the consumer then stands at that end, ready to follow what comes.
	 * @return the latest record, {@link LiveWriter#INITIAL} when there is none
	 */
	LiveWriter readToEnd(KafkaConsumer<String, String> consumer) {
		consumer.assign(List.of(PARTITION));
		consumer.seekToBeginning(List.of(PARTITION));
		long end = consumer.endOffsets(List.of(PARTITION)).get(PARTITION);
		LiveWriter latest = LiveWriter.INITIAL;
		while (consumer.position(PARTITION) < end) {
			for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
				latest = read(record.value());
			}
		}
		return latest;
	}

	void write(LiveWriter writer) {
		Map<String, Object> config = new HashMap<>(this.clientConfig);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			producer
				.send(new ProducerRecord<>(PARTITION.topic(), PARTITION.partition(), KEY,
						this.json.writeValueAsString(writer)))
				.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while writing " + PARTITION.topic(), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not write " + PARTITION.topic() + ": " + ex.getMessage(), ex);
		}
	}

	/** A consumer of the topic without a group: every reader reads all of it. */
	KafkaConsumer<String, String> newConsumer() {
		Map<String, Object> config = new HashMap<>(this.clientConfig);
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
	}

	LiveWriter read(String value) {
		return (value != null) ? this.json.readValue(value, LiveWriter.class) : LiveWriter.INITIAL;
	}

}
