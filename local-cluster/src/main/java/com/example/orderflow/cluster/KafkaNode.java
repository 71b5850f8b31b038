package com.example.orderflow.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.cluster.process.LogTail;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;
import com.example.orderflow.cluster.security.ClusterSecurity;
import kafka.tools.StorageTool;

/**
 * One node of the cluster, broker and controller in one {@code kafka.Kafka} process: its
 * configuration, its storage, and the process while it runs.
 */
final class KafkaNode {

	private static final String MAX_HEAP = "-Xmx512m";

	private final int id;

	private final ClusterLayout layout;

	/** Null for the plaintext cluster. */
	private final ClusterSecurity security;

	private Process process;

	private long lastPid = -1;

	private long launchedAt;

	/** How long the log was when this node was last launched. */
	private long logLengthAtLaunch;

	KafkaNode(int id, ClusterLayout layout, ClusterSecurity security) {
		this.id = id;
		this.layout = layout;
		this.security = security;
	}

	int id() {
		return this.id;
	}

	String name() {
		return "kafka-node-" + this.id;
	}

	Path directory() {
		return this.layout.nodeDirectory(this.id);
	}

	private Path dataDirectory() {
		return directory().resolve("data");
	}

	private Path propertiesFile() {
		return directory().resolve("server.properties");
	}

	Path logFile() {
		return this.layout.logDirectory().resolve(name() + ".log");
	}

	/** Whatever the JVM writes outside log4j: crashes, a port already bound. */
	private Path consoleFile() {
		return this.layout.logDirectory().resolve(name() + ".out");
	}

	PidFile pidFile() {
		return PidFile.of(this.layout.pidDirectory(), name());
	}

	boolean isFormatted() {
		return Files.isRegularFile(dataDirectory().resolve("meta.properties"));
	}

	Optional<String> clusterId() {
		if (!isFormatted()) {
			return Optional.empty();
		}
		Properties meta = new Properties();
		try (InputStream in = Files.newInputStream(dataDirectory().resolve("meta.properties"))) {
			meta.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return Optional.ofNullable(meta.getProperty("cluster.id"));
	}

	void writeConfiguration() {
		String host = (this.security != null) ? ClusterSecurity.HOST : "127.0.0.1";
		String voters = IntStream.rangeClosed(1, LocalCluster.NODES)
			.mapToObj((node) -> node + "@" + host + ":" + this.layout.controllerPort(node))
			.collect(Collectors.joining(","));
		int brokerPort = this.layout.brokerPort(this.id);
		int controllerPort = this.layout.controllerPort(this.id);
		String listeners = (this.security != null) ? this.security.nodeConfiguration(brokerPort, controllerPort) : """
				listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
				advertised.listeners=PLAINTEXT://127.0.0.1:%d
				controller.listener.names=CONTROLLER
				inter.broker.listener.name=PLAINTEXT
				listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
				""".formatted(brokerPort, controllerPort, brokerPort);
		String configuration = """
				# Written by LocalCluster at every start; edits here are overwritten.
				process.roles=broker,controller
				node.id=%d
				controller.quorum.voters=%s
				%slog.dirs=%s

				# Every topic survives one lost node and still takes acks=all writes.
				default.replication.factor=3
				min.insync.replicas=2
				offsets.topic.replication.factor=3
				transaction.state.log.replication.factor=3
				transaction.state.log.min.isr=2
				num.partitions=6
				# Topics are created on purpose, with the right settings, never by a typo.
				auto.create.topics.enable=false
				# A consumer that joins rebalances at once: the demo and the tests wait less.
				group.initial.rebalance.delay.ms=0
				# Groups on the consumer rebalance protocol (KIP-848) and share groups (KIP-932)
				# take their timeouts from the broker: see LocalCluster.GROUP_TIMEOUTS.
				%s

				# A killed node is fenced after 3 s instead of 9 s, so producers stall less.
				broker.session.timeout.ms=3000
				broker.heartbeat.interval.ms=500
				# Leadership goes back to a restarted node within a minute, not five.
				leader.imbalance.check.interval.seconds=30
				# A follower with nothing to copy asks again every 2 s, not every 0.5 s: its
				# fetch still returns the moment a record arrives. Three idle secured nodes
				# took 0.155 of a core with 0.5 s, 0.106 with 2 s (./demo cluster --secure).
				replica.fetch.wait.max.ms=2000
				# A transaction's first record on a partition waits here, on the broker, while
				# the producer's previous transaction still writes its markers, instead of
				# bouncing back to the producer with CONCURRENT_TRANSACTIONS after 100 ms and
				# coming again, records and all (README, "Benchmark").
				add.partitions.to.txn.retry.backoff.max.ms=2000

				# A laptop's disk is not a data centre's: bounded segments and retention.
				log.segment.bytes=16777216
				log.retention.bytes=134217728
				log.retention.hours=24
				log.retention.check.interval.ms=60000
				""".formatted(this.id, voters, listeners,
				dataDirectory().toAbsolutePath().toString().replace('\\', '/'), groupTimeouts());
		try {
			Files.createDirectories(dataDirectory());
			Files.writeString(propertiesFile(), configuration, StandardCharsets.UTF_8);
			if (this.security != null) {
				// It holds the keystore's and the brokers' own passwords.
				Files.setPosixFilePermissions(propertiesFile(), PosixFilePermissions.fromString("rw-------"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + propertiesFile(), ex);
		}
	}

	private static String groupTimeouts() {
		return LocalCluster.GROUP_TIMEOUTS.entrySet()
			.stream()
			.map((setting) -> setting.getKey() + "=" + setting.getValue())
			.collect(Collectors.joining("\n"));
	}

	/**
	 * Formats this node's storage in this JVM: the storage tool as a process of its own
	 * would cost a JVM start per node.
	 */
	void format(String clusterId) {
		format(clusterId, null);
	}

	/**
	 * As {@link #format(String)}, with the finalized features of an older Kafka release
	 * ({@code 4.1-IV1}), as its storage tool would have written them; null for this
	 * Kafka's own.
	 */
	void format(String clusterId, String releaseVersion) {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		int exitCode;
		try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
			List<String> arguments = new ArrayList<>(
					List.of("format", "--cluster-id", clusterId, "--config", propertiesFile().toString()));
			if (this.security != null) {
				// SCRAM users must be in the metadata before the first broker needs one.
				arguments.addAll(this.security.formatArguments());
			}
			if (releaseVersion != null) {
				arguments.addAll(List.of("--release-version", releaseVersion));
			}
			exitCode = StorageTool.execute(arguments.toArray(String[]::new), out);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("Could not format node " + this.id + " in " + directory() + ": "
					+ ex.getMessage() + "\n" + output.toString(StandardCharsets.UTF_8), ex);
		}
		if (exitCode != 0) {
			throw new IllegalStateException("Formatting node " + this.id + " failed (exit code " + exitCode + "):\n"
					+ output.toString(StandardCharsets.UTF_8));
		}
	}

	void launch(Path brokerLogConfiguration, String classpath, LocalCluster.Compiler compiler) {
		if (isRunning()) {
			throw new IllegalStateException("Node " + this.id + " is already running (pid " + this.lastPid + ")");
		}
		// Every launch appends to the log: an earlier run's lines are not this one's.
		this.logLengthAtLaunch = LogTail.length(logFile());
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add(MAX_HEAP);
		// The JVM settings of Kafka's own kafka-run-class.sh.
		command.add("-XX:+UseG1GC");
		command.add("-XX:MaxGCPauseMillis=20");
		command.add("-XX:InitiatingHeapOccupancyPercent=35");
		command.add("-XX:+ExplicitGCInvokesConcurrent");
		// A broker that ran out of heap is better dead than limping.
		command.add("-XX:+ExitOnOutOfMemoryError");
		// The broker's JVM is this one's (java.home above).
		command.addAll(NativeHeapTrim.jvmFlags(Runtime.version()));
		command.addAll(compiler.jvmFlags());
		command.add("-Djava.awt.headless=true");
		command.add("-Dlog4j2.configurationFile=" + brokerLogConfiguration.toAbsolutePath());
		command.add("-Dorderflow.kafka.log-file=" + logFile().toAbsolutePath());
		command.add("-Dorderflow.kafka.node=" + this.id);
		command.add(ParentWatch.class.getName());
		command.add(Long.toString(ProcessHandle.current().pid()));
		command.add("kafka.Kafka");
		command.add(propertiesFile().toAbsolutePath().toString());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(consoleFile().toFile()));
		// Through the environment, not -cp: 90 jars would make every line of ps
		// unreadable.
		builder.environment().put("CLASSPATH", classpath);
		try {
			Files.createDirectories(this.layout.logDirectory());
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start Kafka node " + this.id, ex);
		}
		this.launchedAt = System.nanoTime();
		this.lastPid = this.process.pid();
		pidFile().write(this.process.toHandle());
	}

	/** Seconds since this node was launched. */
	double secondsSinceLaunch() {
		return (System.nanoTime() - this.launchedAt) / 1e9;
	}

	boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Whether the broker of this node's last launch has logged the end of its shutdown:
	 * its partitions' logs are closed cleanly, only its controller still runs.
	 */
	boolean brokerShutDown() {
		return LogTail.contains(logFile(), this.logLengthAtLaunch,
				"[BrokerServer id=" + this.id + "] shut down completed");
	}

	long pid() {
		return this.lastPid;
	}

	Optional<ProcessHandle> handle() {
		return (this.process != null) ? Optional.of(this.process.toHandle()) : Optional.empty();
	}

	/** Fails with the end of the node's log if the process has died. */
	void requireRunning() {
		if (this.process != null && !this.process.isAlive()) {
			throw new IllegalStateException("Kafka node " + this.id + " exited with code " + this.process.exitValue()
					+ "; the end of " + logFile() + ":\n" + LogTail.of(logFile(), 30) + "\nand of " + consoleFile()
					+ ":\n" + LogTail.of(consoleFile(), 10));
		}
	}

	void kill() {
		if (this.process == null) {
			return;
		}
		Termination.kill(this.process);
		pidFile().delete();
	}

	void stop(Duration grace) {
		handle().ifPresent((handle) -> Termination.together(List.of(handle), grace));
		pidFile().delete();
	}

}
