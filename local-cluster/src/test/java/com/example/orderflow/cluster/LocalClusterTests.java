package com.example.orderflow.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.common.ShareVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real thing, on free ports in a temporary directory: three broker processes, a
 * replicated topic, a {@code kill -9}, and nothing left running afterwards.
 */
class LocalClusterTests {

	private static final int RECORDS = 12;

	@TempDir
	Path directory;

	@Test
	void threeNodesServeAcksAllWritesBeforeAndAfterOneIsKilledTakeItBackAndLeaveNoProcessBehind() throws Exception {
		List<String> progress = new CopyOnWriteArrayList<>();
		ClusterLayout layout = ClusterLayout.withFreePorts(this.directory);
		List<Long> pids = new ArrayList<>();
		try (LocalCluster cluster = LocalCluster.start(layout, (line) -> {
			progress.add(line);
			System.out.println("[cluster] " + line);
		});
				Admin admin = Admin
					.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
			layout.nodeIds().forEach((node) -> pids.add(cluster.pid(node)));
			assertThat(pids).doesNotHaveDuplicates().doesNotContain(ProcessHandle.current().pid());
			assertThat(progress).anyMatch((line) -> line.matches("node [123] up after [0-9.]+ s"));
			assertThat(progress).as("a cluster formatted by this Kafka needs no feature upgrade")
				.noneMatch((line) -> line.contains("upgraded"));
			assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
				.containsExactlyInAnyOrder(1, 2, 3);
			TopicDescription orders = admin.describeTopics(List.of(Topics.ORDERS))
				.allTopicNames()
				.get(30, TimeUnit.SECONDS)
				.get(Topics.ORDERS);
			assertThat(orders.partitions()).hasSize(Topics.PARTITIONS)
				.allSatisfy((partition) -> assertThat(partition.replicas()).hasSize(3));
			ConfigResource ordersConfig = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ORDERS);
			Config config = admin.describeConfigs(List.of(ordersConfig))
				.all()
				.get(30, TimeUnit.SECONDS)
				.get(ordersConfig);
			assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");

			try (KafkaProducer<String, String> producer = producer(cluster.bootstrapServers())) {
				Map<String, Integer> partitionOfKey = send(producer, "before");
				assertThat(readAll(cluster.bootstrapServers())).hasSize(RECORDS)
					.allSatisfy((record) -> assertThat(record.partition()).isEqualTo(partitionOfKey.get(record.key())));

				int leaderOfFirstPartition = orders.partitions().get(0).leader().id();
				cluster.killNode(leaderOfFirstPartition);
				assertThat(cluster.isRunning(leaderOfFirstPartition)).isFalse();
				assertThat(ProcessHandle.of(pids.get(leaderOfFirstPartition - 1)).filter(ProcessHandle::isAlive))
					.isEmpty();

				// acks=all with min ISR 2: two of three replicas are enough, once the
				// killed leader is fenced.
				send(producer, "after");
				assertThat(readAll(cluster.bootstrapServers())).hasSize(2 * RECORDS);

				cluster.startNode(leaderOfFirstPartition);
				assertThat(cluster.isRunning(leaderOfFirstPartition)).isTrue();
				assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).extracting(Node::id)
					.containsExactlyInAnyOrder(1, 2, 3);
				pids.add(cluster.pid(leaderOfFirstPartition));
			}
		}
		assertThat(pids).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
			.as("Kafka node process %d after close", pid)
			.isEmpty());
		assertThat(layout.pidDirectory()).isEmptyDirectory();
		assertThat(Files.isRegularFile(layout.logDirectory().resolve("kafka-node-1.log"))).isTrue();
	}

	/**
	 * A {@code local/} of the days of Kafka 4.1.2: its storage keeps that release's
	 * finalized features (share groups off) under today's brokers until they are raised.
	 */
	@Test
	void dataFormattedByKafka41IsUpgradedToShareGroupsOnStart() throws Exception {
		List<String> progress = new CopyOnWriteArrayList<>();
		ClusterLayout layout = ClusterLayout.withFreePorts(this.directory);
		String clusterId = Uuid.randomUuid().toString();
		for (int id : layout.nodeIds()) {
			KafkaNode node = new KafkaNode(id, layout, null);
			node.writeConfiguration();
			node.format(clusterId, "4.1-IV1");
		}
		try (LocalCluster cluster = LocalCluster.start(layout, (line) -> {
			progress.add(line);
			System.out.println("[cluster] " + line);
		});
				Admin admin = Admin
					.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
			assertThat(progress).anyMatch((line) -> line.startsWith(
					"upgraded the cluster's features from metadata.version 4.1-IV1, share.version 0 (its data was formatted by an older Kafka) to metadata.version "
							+ MetadataVersion.LATEST_PRODUCTION.version() + ", share.version 1"));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				FeatureMetadata features = admin.describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS);
				assertThat(features.finalizedFeatures().get(ShareVersion.FEATURE_NAME).maxVersionLevel())
					.isEqualTo(ShareVersion.SV_1.featureLevel());
				assertThat(features.finalizedFeatures().get(MetadataVersion.FEATURE_NAME).maxVersionLevel())
					.isEqualTo(MetadataVersion.LATEST_PRODUCTION.featureLevel());
			});
		}
	}

	private static KafkaProducer<String, String> producer(String bootstrapServers) {
		Map<String, Object> config = new HashMap<>();
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
		return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
	}

	/** Sends one record per key and returns the partition of each key. */
	private static Map<String, Integer> send(KafkaProducer<String, String> producer, String value) throws Exception {
		Map<String, Integer> partitionOfKey = new HashMap<>();
		for (int i = 0; i < RECORDS; i++) {
			String key = "order-" + i;
			RecordMetadata written = producer.send(new ProducerRecord<>(Topics.ORDERS, key, value))
				.get(60, TimeUnit.SECONDS);
			partitionOfKey.put(key, written.partition());
		}
		return partitionOfKey;
	}

	private static List<ConsumerRecord<String, String>> readAll(String bootstrapServers) {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<ConsumerRecord<String, String>> records = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(Topics.ORDERS, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return partitions.stream().allMatch((partition) -> consumer.position(partition) >= ends.get(partition));
			});
		}
		return records;
	}

}
