package com.example.orderflow.kafka.consumer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.example.orderflow.testsupport.NothingListens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.event.ListenerContainerIdleEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The idle commit runs on the consumer's thread, which a stopping container waits for: it
 * must give up on a cluster that does not answer within its budget. A real consumer, its
 * partition assigned, pointed at a loopback port where nothing listens (the cluster gone,
 * as when a test's in-JVM cluster closes before the application, or every broker of the
 * demo is down). With each call's own 30 s, as before, a JVM's exit waited until Surefire
 * killed it (30 s more per test JVM, a thread dump beside the reports).
 */
class GroupPositionsTests {

	/** Shorter than the services' 5 s, so the test is quick; each call's own is 30 s. */
	private static final Duration BUDGET = Duration.ofSeconds(1);

	@Test
	void theIdleCommitGivesUpOnAClusterThatDoesNotAnswerWithinItsBudget() throws IOException {
		TopicPartition partition = new TopicPartition("orders", 0);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, NothingListens.address(),
						ConsumerConfig.GROUP_ID_CONFIG, "group-positions-tests",
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			consumer.assign(List.of(partition));
			consumer.seek(partition, 7);
			long started = System.nanoTime();
			new GroupPositions(BUDGET).onApplicationEvent(new ListenerContainerIdleEvent(this, this, 2_000, "idle-test",
					List.of(partition), consumer, false));
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			assertThat(took).isGreaterThanOrEqualTo(BUDGET.minusMillis(100)).isLessThan(BUDGET.plusSeconds(3));
		}
	}

}
