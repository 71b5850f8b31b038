package com.example.orderflow.demo.groups;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Notes when each new record of {@code orders} became readable ({@code read_committed}:
 * once its transaction committed), as the members see it. How long a record then waited
 * for its output is the member's doing alone: not how long orders-service took to commit
 * it, nor how evenly orders came.
 */
final class InputWatch implements AutoCloseable {

	private final KafkaConsumer<byte[], byte[]> consumer;

	private final Map<String, Long> readableAt = new ConcurrentHashMap<>();

	private final Thread thread;

	InputWatch(Map<String, Object> client) {
		Map<String, Object> config = new HashMap<>(client);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "orderflow-drill-input-watch");
		// An answer as soon as a record is readable, and at least every 50 ms.
		config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
		this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
		List<TopicPartition> partitions = IntStream.range(0, Topics.PARTITIONS)
			.mapToObj((partition) -> new TopicPartition(Topics.ORDERS, partition))
			.toList();
		this.consumer.assign(partitions);
		this.consumer.seekToEnd(partitions);
		partitions.forEach(this.consumer::position);
		this.thread = new Thread(this::watch, "input-watch");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void watch() {
		try {
			while (true) {
				for (ConsumerRecord<byte[], byte[]> record : this.consumer.poll(Duration.ofMillis(50))) {
					this.readableAt.put(key(record.partition(), record.offset()), System.currentTimeMillis());
				}
			}
		}
		catch (WakeupException ex) {
			// Closing.
		}
		finally {
			this.consumer.close();
		}
	}

	/** When the record at that offset of {@code orders} became readable (epoch ms). */
	OptionalLong readableAt(int partition, long offset) {
		Long at = this.readableAt.get(key(partition, offset));
		return (at != null) ? OptionalLong.of(at) : OptionalLong.empty();
	}

	private static String key(int partition, long offset) {
		return partition + "@" + offset;
	}

	@Override
	public void close() {
		this.consumer.wakeup();
		try {
			this.thread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
