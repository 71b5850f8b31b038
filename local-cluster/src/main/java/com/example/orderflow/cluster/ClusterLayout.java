package com.example.orderflow.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where the cluster lives: {@code <dataDirectory>/kafka/node-N} (storage and
 * configuration), {@code <dataDirectory>/logs} and {@code <dataDirectory>/pids}. Node
 * {@code n} (1 to 3) listens on {@code firstBrokerPort + n - 1} for clients and
 * {@code firstControllerPort + n - 1} for the quorum, on 127.0.0.1 only.
 *
 * @param dataDirectory the root of everything the cluster writes
 * @param firstBrokerPort the client port of node 1
 * @param firstControllerPort the controller port of node 1
 */
public record ClusterLayout(Path dataDirectory, int firstBrokerPort, int firstControllerPort) {

	/**
	 * Ports for {@link #withFreePorts}: below Linux's ephemeral range (32768 and up),
	 * where client sockets take their local ports, and clear of the default ports.
	 */
	private static final int FREE_PORTS_FROM = 20000;

	private static final int FREE_PORTS_TO = 32000;

	public ClusterLayout {
		if (firstBrokerPort < 1 || firstBrokerPort + LocalCluster.NODES - 1 > 65535 || firstControllerPort < 1
				|| firstControllerPort + LocalCluster.NODES - 1 > 65535) {
			throw new IllegalArgumentException("Ports out of range: " + firstBrokerPort + ", " + firstControllerPort);
		}
		if (Math.abs(firstBrokerPort - firstControllerPort) < LocalCluster.NODES) {
			throw new IllegalArgumentException(
					"Broker ports " + firstBrokerPort + "+ and controller ports " + firstControllerPort + "+ overlap");
		}
	}

	/** Brokers on 9092-9094, controllers on 19092-19094. */
	public static ClusterLayout defaults(Path dataDirectory) {
		return new ClusterLayout(dataDirectory, 9092, 19092);
	}

	/** Two runs of three consecutive ports that are free on 127.0.0.1 right now. */
	public static ClusterLayout withFreePorts(Path dataDirectory) {
		int brokers = freeRun(-1);
		int controllers = freeRun(brokers);
		return new ClusterLayout(dataDirectory, brokers, controllers);
	}

	public int brokerPort(int nodeId) {
		return this.firstBrokerPort + nodeId - 1;
	}

	public int controllerPort(int nodeId) {
		return this.firstControllerPort + nodeId - 1;
	}

	public List<Integer> nodeIds() {
		return IntStream.rangeClosed(1, LocalCluster.NODES).boxed().toList();
	}

	/** {@code 127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094} for the defaults. */
	public String bootstrapServers() {
		return bootstrapServers("127.0.0.1");
	}

	/** The client ports on a host name: {@code localhost:9092,...}. */
	public String bootstrapServers(String host) {
		return nodeIds().stream().map((id) -> host + ":" + brokerPort(id)).collect(Collectors.joining(","));
	}

	String controllerAddresses() {
		return nodeIds().stream().map((id) -> "127.0.0.1:" + controllerPort(id)).collect(Collectors.joining(","));
	}

	public Path nodeDirectory(int nodeId) {
		return kafkaDirectory(this.dataDirectory).resolve("node-" + nodeId);
	}

	public Path logDirectory() {
		return logDirectory(this.dataDirectory);
	}

	public Path pidDirectory() {
		return pidDirectory(this.dataDirectory);
	}

	static Path kafkaDirectory(Path dataDirectory) {
		return dataDirectory.resolve("kafka");
	}

	static Path logDirectory(Path dataDirectory) {
		return dataDirectory.resolve("logs");
	}

	static Path pidDirectory(Path dataDirectory) {
		return dataDirectory.resolve("pids");
	}

	private static int freeRun(int avoid) {
		for (int attempt = 0; attempt < 200; attempt++) {
			int first = ThreadLocalRandom.current().nextInt(FREE_PORTS_FROM, FREE_PORTS_TO - LocalCluster.NODES);
			boolean clear = avoid < 0 || Math.abs(first - avoid) >= LocalCluster.NODES;
			if (clear && IntStream.range(first, first + LocalCluster.NODES).allMatch(ClusterLayout::isFree)) {
				return first;
			}
		}
		throw new IllegalStateException("No " + LocalCluster.NODES + " consecutive free ports between "
				+ FREE_PORTS_FROM + " and " + FREE_PORTS_TO);
	}

	/**
	 * Whether nothing listens on the port. With SO_REUSEADDR, as Kafka binds: the
	 * TIME_WAIT connections of a cluster stopped a moment ago do not count.
	 */
	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
