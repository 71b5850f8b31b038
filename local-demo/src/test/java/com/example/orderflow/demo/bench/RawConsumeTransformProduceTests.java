package com.example.orderflow.demo.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.events.ConsumerGroups;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The raw baseline does what the consumer services do, or its figures would flatter them:
 * on a real 3-node cluster, every group writes exactly one committed output per input,
 * its offsets go in the same transactions, a poll's records share a transaction and, at
 * one record per transaction, every record has its own.
 */
class RawConsumeTransformProduceTests {

	private static final int BACKLOG = 600;

	@TempDir
	Path directory;

	@Test
	void everyGroupWritesOneCommittedOutputPerInputWithItsOffsetsInTheSameTransactions() {
		byte[] value = "{\"eventId\":\"e\",\"customerId\":\"c\"}".getBytes(StandardCharsets.UTF_8);
		List<Header> headers = List.of(new RecordHeader("__TypeId__", "OrderCreated".getBytes(StandardCharsets.UTF_8)));
		try (LocalCluster cluster = LocalCluster.start(ClusterLayout.withFreePorts(this.directory),
				(line) -> System.out.println("[cluster] " + line));
				RawConsumeTransformProduce loop = new RawConsumeTransformProduce(cluster.bootstrapServers(),
						(line) -> System.out.println("[ctp] " + line))) {
			loop.createTopics();
			loop.fill(value, headers, BACKLOG);
			BenchResults.TransactionPass cold = loop.pass("cold", RawConsumeTransformProduce.RECORDS_PER_TRANSACTION,
					Duration.ofMinutes(2));
			loop.fill(value, headers, BACKLOG);
			BenchResults.TransactionPass warm = loop.pass("warm", RawConsumeTransformProduce.RECORDS_PER_TRANSACTION,
					Duration.ofMinutes(2));

			assertThat(List.of(cold, warm)).allSatisfy((pass) -> {
				assertThat(pass.complete()).isTrue();
				assertThat(pass.orders()).isEqualTo(BACKLOG);
				assertThat(pass.recordsByGroup()).containsOnlyKeys(ConsumerGroups.ALL)
					.allSatisfy((group, records) -> assertThat(records).isEqualTo(BACKLOG));
				assertThat(pass.recordsPerTransaction()).as("a poll's records share a transaction").isGreaterThan(1);
				assertThat(pass.aborted()).isZero();
			});
			assertThat(loop.offsetsCommittedToEnd()).isTrue();

			loop.fill(value, headers, BACKLOG);
			BenchResults.TransactionPass perRecord = loop.pass("per record", 1, Duration.ofSeconds(3));

			assertThat(perRecord.complete()).as("a backlog too long for 3 s").isFalse();
			assertThat(perRecord.transactions())
				.isEqualTo(perRecord.recordsByGroup().values().stream().mapToLong(Long::longValue).sum());
			for (String group : ConsumerGroups.ALL) {
				long handled = 2L * BACKLOG + perRecord.recordsByGroup().get(group);
				assertThat(committedInputs(cluster.bootstrapServers(), RawConsumeTransformProduce.outputTopic(group)))
					.as("the outputs of %s", group)
					.hasSize((int) handled)
					.doesNotHaveDuplicates();
			}
		}
	}

	/** The input coordinates named by every committed output on a topic. */
	private static List<String> committedInputs(String bootstrapServers, String topic) {
		Map<String, Object> config = new HashMap<>();
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		List<String> inputs = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(info.topic(), info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
					assertThat(record.value()).hasSize(RawConsumeTransformProduce.OUTPUT_BYTES);
					inputs.add(record.value().replaceAll(".*\"input\":\"([^\"]+)\".*", "$1"));
				}
				return partitions.stream().allMatch((partition) -> consumer.position(partition) >= ends.get(partition));
			});
		}
		return inputs;
	}

}
