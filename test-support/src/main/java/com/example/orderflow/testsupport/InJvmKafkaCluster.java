package com.example.orderflow.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three real Kafka brokers and one KRaft controller inside the test JVM, started once per
 * JVM and shared by every test in it. This is the one place that touches Kafka's internal
 * {@code KafkaClusterTestKit}; {@code @EmbeddedKafka(count = 3)} is broken with Kafka
 * 4.1.
 */
final class InJvmKafkaCluster {

	private static final Logger logger = LoggerFactory.getLogger(InJvmKafkaCluster.class);

	/**
	 * The brokers' timeouts for groups on the consumer rebalance protocol, as the local
	 * cluster's ({@code LocalCluster.GROUP_TIMEOUTS}); Testcontainers' broker gets them
	 * too.
	 */
	static final Map<String, String> GROUP_TIMEOUTS = Map.of("group.consumer.session.timeout.ms", "10000",
			"group.consumer.min.session.timeout.ms", "6000", "group.consumer.heartbeat.interval.ms", "1000",
			"group.consumer.min.heartbeat.interval.ms", "500");

	private static volatile String bootstrapServers;

	/** The name of Spring Boot's JVM shutdown hook, which closes the applications. */
	private static final String SPRING_SHUTDOWN_HOOK = "SpringApplicationShutdownHook";

	/** Longer than an application takes to close, shorter than Surefire's 30 s. */
	private static final Duration SPRING_SHUTDOWN_WAIT = Duration.ofSeconds(20);

	private InJvmKafkaCluster() {
	}

	static String bootstrapServers() {
		if (bootstrapServers == null) {
			synchronized (InJvmKafkaCluster.class) {
				if (bootstrapServers == null) {
					bootstrapServers = start();
				}
			}
		}
		return bootstrapServers;
	}

	private static String start() {
		try {
			long started = System.nanoTime();
			Path baseDirectory = Files.createTempDirectory("orderflow-kafka-");
			KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(
					new TestKitNodes.Builder().setCombined(false)
						.setNumBrokerNodes(3)
						.setNumControllerNodes(1)
						.setBaseDirectory(baseDirectory)
						.build())
				// The same replication rules as the local 3-node cluster, so tests see
				// what production sees.
				.setConfigProp("default.replication.factor", "3")
				.setConfigProp("min.insync.replicas", "2")
				.setConfigProp("offsets.topic.replication.factor", "3")
				.setConfigProp("transaction.state.log.replication.factor", "3")
				.setConfigProp("transaction.state.log.min.isr", "2")
				.setConfigProp("group.initial.rebalance.delay.ms", "0")
				.setConfigProp("auto.create.topics.enable", "false")
				.setDeleteOnClose(true);
			// As the local cluster: members on the consumer rebalance protocol are
			// noticed
			// gone after 10 s, not 45 s.
			GROUP_TIMEOUTS.forEach(builder::setConfigProp);
			KafkaClusterTestKit cluster = builder.build();
			cluster.format();
			cluster.startup();
			cluster.waitForReadyBrokers();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> close(cluster), "in-jvm-kafka-shutdown"));
			logger.info("Kafka for tests: in-JVM KRaft cluster, 3 brokers + 1 controller, at {} (up in {} ms)",
					cluster.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
			return cluster.bootstrapServers();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the in-JVM Kafka cluster", ex);
		}
	}

	/**
	 * Closes the cluster once Spring's shutdown hook, which runs beside this one, has
	 * closed the applications: their consumers stop while it still answers. Closed first,
	 * it left a dead-letter consumer asking for a position with its 60 s API timeout, the
	 * test JVM did not exit, and Surefire killed it 30 s later (in 2 of the last 13 runs
	 * of kafka-support's tests, each time 30 s more for the module and a thread dump).
	 */
	private static void close(KafkaClusterTestKit cluster) {
		Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(SPRING_SHUTDOWN_HOOK))
			.forEach((thread) -> {
				try {
					thread.join(SPRING_SHUTDOWN_WAIT.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		try {
			cluster.close();
		}
		catch (Exception ex) {
			logger.warn("In-JVM Kafka cluster did not close cleanly", ex);
		}
	}

}
