package com.example.orderflow.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.security.ClusterSecurity;
import org.apache.kafka.common.Uuid;

/**
 * The nodes' storage under a data directory, and what must hold before the nodes start on
 * it: no node of it still running, their ports free, every node formatted with the one
 * cluster id, the brokers' logging configuration written beside them; and the wipe of
 * everything the cluster wrote ({@code ./demo clean}).
 */
final class NodeStorage {

	private NodeStorage() {
	}

	/** Wipes the cluster's data, logs and PID files under a data directory. */
	static void clean(Path dataDirectory) {
		List<String> running = PidFile.in(ClusterLayout.pidDirectory(dataDirectory))
			.stream()
			.filter((pidFile) -> pidFile.liveProcess().isPresent())
			.map(PidFile::name)
			.toList();
		if (!running.isEmpty()) {
			throw new IllegalStateException("Still running: " + running + "; stop them first (./demo down)");
		}
		// Only what this class writes: a mistyped --data must not wipe someone's home.
		for (Path owned : List.of(ClusterLayout.kafkaDirectory(dataDirectory),
				ClusterLayout.logDirectory(dataDirectory), ClusterLayout.pidDirectory(dataDirectory),
				ClusterSecurity.directory(dataDirectory))) {
			deleteRecursively(owned);
		}
		try (var remaining = Files.list(dataDirectory)) {
			if (remaining.findAny().isEmpty()) {
				Files.delete(dataDirectory);
			}
		}
		catch (IOException ex) {
			// Nothing left to wipe, or someone else's files in there: keep the directory.
		}
	}

	static void refuseIfRunning(Collection<KafkaNode> nodes) {
		for (KafkaNode node : nodes) {
			node.pidFile().liveProcess().ifPresent((process) -> {
				throw new IllegalStateException("Kafka node " + node.id() + " of " + node.directory()
						+ " is already running (pid " + process.pid() + "): stop it first (./demo down)");
			});
		}
	}

	static void refuseIfPortsTaken(ClusterLayout layout) {
		for (int id : layout.nodeIds()) {
			for (int port : List.of(layout.brokerPort(id), layout.controllerPort(id))) {
				if (!ClusterLayout.isFree(port)) {
					throw new IllegalStateException("Port " + port + " on 127.0.0.1 is taken: is another cluster"
							+ " running? Stop it (./demo down) or choose other ports (--kafka-port, --controller-port)");
				}
			}
		}
	}

	static void format(Collection<KafkaNode> nodes, ClusterLayout layout, Consumer<String> progress) {
		List<KafkaNode> unformatted = nodes.stream().filter((node) -> !node.isFormatted()).toList();
		if (unformatted.isEmpty()) {
			progress.accept("data of all " + LocalCluster.NODES + " nodes found in "
					+ ClusterLayout.kafkaDirectory(layout.dataDirectory()) + ": starting on it");
			return;
		}
		// Nodes of one cluster share its id: take it from a formatted node if there is
		// one.
		String clusterId = nodes.stream()
			.flatMap((node) -> node.clusterId().stream())
			.findFirst()
			.orElseGet(() -> Uuid.randomUuid().toString());
		long started = System.nanoTime();
		unformatted.forEach((node) -> node.format(clusterId));
		progress.accept("formatted node(s) %s in %s (cluster id %s) in %.1f s".formatted(
				unformatted.stream().map(KafkaNode::id).toList(), ClusterLayout.kafkaDirectory(layout.dataDirectory()),
				clusterId, (System.nanoTime() - started) / 1e9));
	}

	static Path writeBrokerLogConfiguration(ClusterLayout layout) {
		Path target = ClusterLayout.kafkaDirectory(layout.dataDirectory()).resolve("broker-log4j2.xml");
		try (InputStream in = NodeStorage.class.getResourceAsStream("broker-log4j2.xml")) {
			if (in == null) {
				throw new IllegalStateException("broker-log4j2.xml is missing from the classpath");
			}
			Files.createDirectories(target.getParent());
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + target, ex);
		}
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try {
			Files.walkFileTree(directory, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Files.delete(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
					Files.delete(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + directory, ex);
		}
	}

}
