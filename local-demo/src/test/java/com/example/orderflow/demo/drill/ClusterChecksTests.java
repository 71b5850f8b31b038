package com.example.orderflow.demo.drill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drills count each group's outputs read {@code read_committed} to the end of the
 * output topic. A member killed in the middle of a transaction leaves it open, and what
 * its successor commits after it on the same partition stays hidden until the coordinator
 * aborts it: the scale drill once counted 12 committed outputs as missing that way.
 * {@link ClusterChecks#openTransaction} is what the count waits for.
 */
class ClusterChecksTests {

	private static final String TOPIC = "outputs";

	@TempDir
	Path directory;

	@Test
	void aTransactionLeftOpenIsReportedWhileItHidesWhatAnotherCommittedAfterIt() throws Exception {
		try (LocalCluster cluster = LocalCluster.start(ClusterLayout.withFreePorts(this.directory),
				(line) -> System.out.println("[cluster] " + line));
				ClusterChecks checks = new ClusterChecks(Map
					.<String, Object>of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
				KafkaProducer<String, String> killed = transactional(cluster, "killed-member");
				KafkaProducer<String, String> successor = transactional(cluster, "successor")) {
			checks.createIfMissing(new NewTopic(TOPIC, 2, LocalCluster.REPLICATION_FACTOR));
			assertThat(checks.openTransaction(TOPIC)).as("no transaction yet").isEmpty();

			killed.beginTransaction();
			killed.send(new ProducerRecord<>(TOPIC, 1, "order-1", "written, never committed")).get();
			successor.beginTransaction();
			successor.send(new ProducerRecord<>(TOPIC, 1, "order-2", "committed")).get();
			successor.commitTransaction();

			assertThat(checks.openTransaction(TOPIC)).contains(TOPIC + "-1").contains("stop at offset 0 of");
			assertThat(readCommitted(cluster)).as("the committed output, hidden behind the open transaction").isEmpty();

			// What the coordinator does when the killed member's transaction times out.
			killed.abortTransaction();
			await().atMost(Duration.ofSeconds(30)).until(() -> checks.openTransaction(TOPIC).isEmpty());
			assertThat(readCommitted(cluster)).containsExactly("committed");
		}
	}

	private static KafkaProducer<String, String> transactional(LocalCluster cluster, String id) {
		KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				cluster.bootstrapServers(), ProducerConfig.TRANSACTIONAL_ID_CONFIG, id), new StringSerializer(),
				new StringSerializer());
		producer.initTransactions();
		return producer;
	}

	/**
	 * Every value a {@code read_committed} reader sees from the beginning to where it
	 * stops.
	 */
	private static List<String> readCommitted(LocalCluster cluster) {
		List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
						ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString()),
				new StringDeserializer(), new StringDeserializer())) {
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			List<String> values = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				assertThat(System.nanoTime()).as("read to %s within 30 s", ends).isLessThan(deadline);
				consumer.poll(Duration.ofMillis(200)).forEach((record) -> values.add(record.value()));
			}
			return values;
		}
	}

}
