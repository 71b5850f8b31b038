package com.example.orderflow.kafka.deadletter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.example.orderflow.testsupport.NothingListens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DLQ reader's look-up of where its topics end runs on the consumer's thread, which a
 * stopping container waits for: with a cluster that does not answer it gives up within
 * its timeout instead of Kafka's 60 s (a real consumer, its partition assigned, pointed
 * at a loopback port where nothing listens).
 */
class DeadLetterLookupTests {

	@Test
	void whereTheTopicsEndIsGivenUpOnWithinTheTimeoutWhenTheClusterDoesNotAnswer() throws IOException {
		Duration timeout = Duration.ofSeconds(1);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, NothingListens.address(),
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			consumer.assign(List.of(new TopicPartition("orders-shipping-service-dlt", 0)));
			long started = System.nanoTime();
			assertThatThrownBy(() -> DeadLetterConsumer.endsOf(consumer, timeout)).isInstanceOf(TimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(3));
		}
	}

}
