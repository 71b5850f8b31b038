package com.example.orderflow.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.process.Termination;
import com.example.orderflow.cluster.security.AclMatrix;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real three-node KRaft cluster on loopback: three {@code kafka.Kafka} JVMs, each
 * broker and controller at once, the three controllers forming the metadata quorum. Data
 * stays in the layout's directory, so a restart keeps every topic and offset.
 *
 * <pre>
 * try (LocalCluster cluster = LocalCluster.start(Layout.withFreePorts(dir), System.out::println)) {
 *     cluster.killNode(2); // kill -9: the others keep serving acks=all writes
 * }
 * </pre>
 */
public final class LocalCluster implements AutoCloseable {

	/** Three voters: the quorum and every RF-3 partition survive the loss of one node. */
	public static final int NODES = 3;

	/** Replicas per partition. */
	public static final short REPLICATION_FACTOR = 3;

	/** With RF 3, an acks=all write survives any single node loss. */
	public static final int MIN_INSYNC_REPLICAS = 2;

	private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Each secured node sets up TLS for its listeners and controller connections in a
	 * cold JVM (seconds each on a busy 2-core machine): 18 s where plaintext took 10 s in
	 * one run, and over two minutes while other builds loaded the machine.
	 */
	private static final Duration SECURED_START_TIMEOUT = Duration.ofMinutes(4);

	private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(90);

	/** Measured: all three stop together in about 8 s. */
	private static final Duration STOP_GRACE = Duration.ofSeconds(30);

	private static final Duration POLL = Duration.ofMillis(250);

	/** Kafka's default for SCRAM-SHA-512, as {@code kafka-storage format} uses. */
	private static final int SCRAM_ITERATIONS = 4096;

	/** How often a long wait says that it is still waiting. */
	private static final Duration STILL_WAITING = Duration.ofSeconds(5);

	private final Layout layout;

	private final Map<Integer, KafkaNode> nodes;

	private final Path brokerLogConfiguration;

	private final String classpath;

	private final Consumer<String> progress;

	private final Admin admin;

	/** Null for the plaintext cluster. */
	private final ClusterSecurity security;

	private final Compiler compiler;

	private boolean closed;

	private LocalCluster(Layout layout, Map<Integer, KafkaNode> nodes, Path brokerLogConfiguration,
			ClusterSecurity security, Compiler compiler, Consumer<String> progress) {
		this.layout = layout;
		this.nodes = nodes;
		this.brokerLogConfiguration = brokerLogConfiguration;
		this.security = security;
		this.compiler = compiler;
		this.classpath = KafkaNode.classpathOf(System.getProperty("java.class.path"));
		this.progress = progress;
		this.admin = Admin.create(adminConfiguration(clientProperties(layout, security)));
	}

	/**
	 * Formats the nodes' storage unless it is formatted already, starts the three nodes
	 * and returns once all three brokers are registered, the quorum has a leader and the
	 * main topics exist with every partition led.
	 * @param layout where data, logs and PID files go, and the ports
	 * @param progress receives one line per step
	 * @return the running cluster; close it to stop all three nodes
	 */
	public static LocalCluster start(Layout layout, Consumer<String> progress) {
		return start(layout, Compiler.QUICK, progress);
	}

	/**
	 * Like {@link #start(Layout, Consumer)}, with the brokers' JIT compiler chosen.
	 * @param layout where data, logs and PID files go, and the ports
	 * @param compiler {@link Compiler#PEAK} for a run that measures throughput
	 * @param progress receives one line per step
	 * @return the running cluster; close it to stop all three nodes
	 */
	public static LocalCluster start(Layout layout, Compiler compiler, Consumer<String> progress) {
		if (ClusterSecurity.existing(layout.dataDirectory()).isPresent()) {
			throw new IllegalStateException("The data in " + layout.dataDirectory() + " is a secured cluster's:"
					+ " start it with --secure, or wipe it first (./demo clean)");
		}
		return start(layout, null, compiler, progress);
	}

	/**
	 * Like {@link #start(Layout, Consumer)}, but secured: TLS and SCRAM for clients,
	 * mutual TLS between controllers, deny by default, and the {@link AclMatrix} applied.
	 * Certificates and passwords are made on the first start and kept with the data.
	 */
	public static LocalCluster startSecured(Layout layout, Consumer<String> progress) {
		boolean formatted = layout.nodeIds().stream().anyMatch((id) -> new KafkaNode(id, layout, null).isFormatted());
		if (formatted && ClusterSecurity.existing(layout.dataDirectory()).isEmpty()) {
			throw new IllegalStateException("The data in " + layout.dataDirectory() + " is a plaintext cluster's:"
					+ " its users were never created; start it without --secure, or wipe it first (./demo clean)");
		}
		return start(layout, ClusterSecurity.prepare(layout.dataDirectory(), progress), Compiler.QUICK, progress);
	}

	private static LocalCluster start(Layout layout, ClusterSecurity security, Compiler compiler,
			Consumer<String> progress) {
		Map<Integer, KafkaNode> nodes = new LinkedHashMap<>();
		layout.nodeIds().forEach((id) -> nodes.put(id, new KafkaNode(id, layout, security)));
		refuseIfRunning(nodes.values());
		refuseIfPortsTaken(layout);
		Path logConfiguration = writeBrokerLogConfiguration(layout);
		nodes.values().forEach(KafkaNode::writeConfiguration);
		format(nodes.values(), layout, progress);
		LocalCluster cluster = new LocalCluster(layout, nodes, logConfiguration, security, compiler, progress);
		try {
			cluster.launchAll();
			if (security != null) {
				cluster.createMissingUsers();
				cluster.applyAclMatrix();
			}
			cluster.createMainTopics();
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	/** Wipes the cluster's data, logs and PID files under a data directory. */
	public static void clean(Path dataDirectory) {
		List<String> running = PidFile.in(Layout.pidDirectory(dataDirectory))
			.stream()
			.filter((pidFile) -> pidFile.liveProcess().isPresent())
			.map(PidFile::name)
			.toList();
		if (!running.isEmpty()) {
			throw new IllegalStateException("Still running: " + running + "; stop them first (./demo down)");
		}
		// Only what this class writes: a mistyped --data must not wipe someone's home.
		for (Path owned : List.of(Layout.kafkaDirectory(dataDirectory), Layout.logDirectory(dataDirectory),
				Layout.pidDirectory(dataDirectory), ClusterSecurity.directory(dataDirectory))) {
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

	public String bootstrapServers() {
		return bootstrapServers(this.layout, this.security);
	}

	/** Secured clusters are reached by the host name their certificate carries. */
	private static String bootstrapServers(Layout layout, ClusterSecurity security) {
		return (security != null) ? layout.bootstrapServers(ClusterSecurity.HOST) : layout.bootstrapServers();
	}

	/** The certificates, passwords and client settings of a secured cluster. */
	public Optional<ClusterSecurity> security() {
		return Optional.ofNullable(this.security);
	}

	/**
	 * What a Kafka client of the tooling needs besides the bootstrap servers: nothing for
	 * the plaintext cluster, the admin principal's SASL_SSL settings for a secured one.
	 */
	public Map<String, Object> adminClientProperties() {
		return (this.security != null) ? this.security.clientProperties(ClusterSecurity.ADMIN) : Map.of();
	}

	/**
	 * What a Kafka client of the tooling (drills, tour, bench) needs to reach this
	 * cluster: its bootstrap servers and, secured, the admin principal's settings.
	 */
	public Map<String, Object> clientProperties() {
		return clientProperties(this.layout, this.security);
	}

	/**
	 * {@link #clientProperties()} of a cluster with this layout and security, such as the
	 * one a running {@code ./demo up} holds.
	 * @param security the cluster's secrets, or null for the plaintext cluster
	 */
	public static Map<String, Object> clientProperties(Layout layout, ClusterSecurity security) {
		Map<String, Object> properties = new HashMap<>();
		if (security != null) {
			properties.putAll(security.clientProperties(ClusterSecurity.ADMIN));
		}
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(layout, security));
		return Map.copyOf(properties);
	}

	public Layout layout() {
		return this.layout;
	}

	/** The PID of a node's process, or of its last process once it has stopped. */
	public long pid(int nodeId) {
		return node(nodeId).pid();
	}

	public boolean isRunning(int nodeId) {
		return node(nodeId).isRunning();
	}

	/**
	 * {@code kill -9}: no controlled shutdown, the cluster finds out by missed
	 * heartbeats.
	 */
	public void killNode(int nodeId) {
		node(nodeId).kill();
		this.progress.accept("node " + nodeId + " killed (kill -9)");
	}

	/**
	 * SIGTERM and a controlled shutdown. Stop at most one node this way while the others
	 * run: the last node of a quorum cannot finish its controlled shutdown; use
	 * {@link #close()} to stop the cluster.
	 */
	public void stopNode(int nodeId) {
		node(nodeId).stop(STOP_GRACE);
		this.progress.accept("node " + nodeId + " stopped");
	}

	/**
	 * Starts a stopped or killed node again on its old data, and returns once its broker
	 * is registered and its controller has caught up with the metadata quorum's leader
	 * since this launch. The registration alone does not tell: a node killed while the
	 * quorum was lost stays registered (no controller could fence it), so it looks back
	 * the moment it is launched. It is back in every ISR only later, when it has caught
	 * up (see {@link #awaitFullyReplicated(Duration)}).
	 */
	public void startNode(int nodeId) {
		KafkaNode node = node(nodeId);
		long launched = System.currentTimeMillis();
		node.launch(this.brokerLogConfiguration, this.classpath, this.compiler);
		long deadline = System.nanoTime() + NODE_START_TIMEOUT.toNanos();
		while (!registeredBrokers().contains(nodeId) || !caughtUpSince(nodeId, launched)) {
			node.requireRunning();
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Node " + nodeId + " did not register and catch up with the metadata quorum within "
								+ NODE_START_TIMEOUT + "; see " + node.logFile());
			}
			pause();
		}
		this.progress.accept("node %d up after %.1f s".formatted(nodeId, node.secondsSinceLaunch()));
	}

	/**
	 * Waits until every partition of the main topics has all its replicas in sync again,
	 * for example after {@link #startNode(int)}.
	 */
	public void awaitFullyReplicated(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<String> lagging = underReplicated();
			if (lagging.isEmpty()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Still under-replicated after " + timeout + ": " + lagging);
			}
			pause();
		}
	}

	/** Stops all three nodes at the same time, waits, and kills whatever did not stop. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.admin.close(Duration.ofSeconds(2));
		List<ProcessHandle> running = this.nodes.values()
			.stream()
			.filter(KafkaNode::isRunning)
			.flatMap((node) -> node.handle().stream())
			.toList();
		long started = System.nanoTime();
		List<ProcessHandle> killed = Termination.together(running, STOP_GRACE);
		this.nodes.values().forEach((node) -> node.pidFile().delete());
		if (!running.isEmpty()) {
			this.progress.accept("cluster stopped after %.1f s%s".formatted((System.nanoTime() - started) / 1e9,
					killed.isEmpty() ? "" : " (" + killed.size() + " node(s) needed kill -9)"));
		}
	}

	private KafkaNode node(int nodeId) {
		KafkaNode node = this.nodes.get(nodeId);
		if (node == null) {
			throw new IllegalArgumentException("Nodes are numbered 1 to " + NODES + ", not " + nodeId);
		}
		return node;
	}

	private void launchAll() {
		this.progress.accept("starting %d Kafka nodes: brokers %s, controllers %s".formatted(NODES, bootstrapServers(),
				this.layout.controllerAddresses()));
		this.nodes.values().forEach((node) -> node.launch(this.brokerLogConfiguration, this.classpath, this.compiler));
		Duration timeout = (this.security != null) ? SECURED_START_TIMEOUT : START_TIMEOUT;
		long deadline = System.nanoTime() + timeout.toNanos();
		long nextNote = System.nanoTime() + STILL_WAITING.toNanos();
		Set<Integer> up = new TreeSet<>();
		while (true) {
			this.nodes.values().forEach(KafkaNode::requireRunning);
			for (int id : registeredBrokers()) {
				if (up.add(id)) {
					this.progress.accept("node %d up after %.1f s".formatted(id, node(id).secondsSinceLaunch()));
				}
			}
			if (up.size() == NODES) {
				QuorumInfo quorum = quorum();
				if (quorum != null && quorum.leaderId() >= 0) {
					this.progress.accept("metadata quorum: leader node %d, voters %s".formatted(quorum.leaderId(),
							this.layout.nodeIds()));
					return;
				}
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The cluster did not come up within " + timeout
						+ "; brokers registered: " + up + "; logs in " + this.layout.logDirectory());
			}
			if (System.nanoTime() > nextNote) {
				nextNote = System.nanoTime() + STILL_WAITING.toNanos();
				this.progress.accept("still waiting for nodes %s (%.0f s)".formatted(missing(up),
						this.nodes.get(1).secondsSinceLaunch()));
			}
			pause();
		}
	}

	private List<Integer> missing(Set<Integer> up) {
		return this.layout.nodeIds().stream().filter((id) -> !up.contains(id)).toList();
	}

	private Set<Integer> registeredBrokers() {
		try {
			Collection<Node> brokers = this.admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
				.nodes()
				.get(3, TimeUnit.SECONDS);
			return brokers.stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
		}
		catch (ExecutionException | TimeoutException ex) {
			return Set.of();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Whether the quorum has a leader that saw this voter caught up at or after the time.
	 */
	private boolean caughtUpSince(int nodeId, long epochMillis) {
		QuorumInfo quorum = quorum();
		return quorum != null && quorum.leaderId() >= 0
				&& quorum.voters()
					.stream()
					.anyMatch((voter) -> voter.replicaId() == nodeId && (voter.replicaId() == quorum.leaderId()
							|| voter.lastCaughtUpTimestamp().orElse(0) >= epochMillis));
	}

	private QuorumInfo quorum() {
		try {
			return this.admin.describeMetadataQuorum().quorumInfo().get(3, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private void createMainTopics() {
		try {
			Set<String> existing = this.admin.listTopics().names().get(30, TimeUnit.SECONDS);
			List<NewTopic> missing = Topics.MAIN.stream()
				.filter((topic) -> !existing.contains(topic))
				.map((topic) -> new NewTopic(topic, Topics.PARTITIONS, REPLICATION_FACTOR)
					.configs(Map.of("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS))))
				.toList();
			for (var created : this.admin.createTopics(missing).values().entrySet()) {
				try {
					created.getValue().get(30, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					if (!(ex.getCause() instanceof TopicExistsException)) {
						throw new IllegalStateException("Could not create topic " + created.getKey(), ex.getCause());
					}
				}
			}
			if (missing.isEmpty()) {
				this.progress.accept("topics already there: " + String.join(", ", Topics.MAIN));
			}
			else {
				this.progress.accept("created topics %s (%d partitions, replication factor %d, min.insync.replicas %d)"
					.formatted(missing.stream().map(NewTopic::name).collect(Collectors.joining(", ")),
							Topics.PARTITIONS, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS));
			}
			awaitLeaders();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not create the topics", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * A producer that starts right after {@link #start} should find every partition led.
	 */
	private void awaitLeaders() throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (true) {
			try {
				Map<String, TopicDescription> topics = this.admin.describeTopics(Topics.MAIN)
					.allTopicNames()
					.get(5, TimeUnit.SECONDS);
				boolean allLed = topics.values()
					.stream()
					.flatMap((topic) -> topic.partitions().stream())
					.allMatch((partition) -> partition.leader() != null && !partition.leader().isEmpty());
				if (allLed) {
					return;
				}
			}
			catch (ExecutionException | TimeoutException ex) {
				// Metadata still propagating: ask again.
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Partitions of " + Topics.MAIN + " have no leader");
			}
			Thread.sleep(POLL.toMillis());
		}
	}

	private List<String> underReplicated() {
		try {
			Map<String, TopicDescription> topics = this.admin.describeTopics(Topics.MAIN)
				.allTopicNames()
				.get(5, TimeUnit.SECONDS);
			List<String> lagging = new ArrayList<>();
			topics.values().forEach((topic) -> {
				for (TopicPartitionInfo partition : topic.partitions()) {
					if (partition.isr().size() < partition.replicas().size()) {
						lagging.add(topic.name() + "-" + partition.partition());
					}
				}
			});
			return lagging;
		}
		catch (ExecutionException | TimeoutException ex) {
			return List.of("(no answer from the cluster)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Creates the SCRAM users of principals added to the matrix since the storage was
	 * formatted (format created all the others).
	 */
	private void createMissingUsers() {
		try {
			Set<String> existing = this.admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS).keySet();
			List<UserScramCredentialAlteration> missing = new ArrayList<>();
			this.security.principalPasswords().forEach((principal, password) -> {
				if (!existing.contains(principal)) {
					missing.add(new UserScramCredentialUpsertion(principal,
							new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password));
				}
			});
			if (!missing.isEmpty()) {
				this.admin.alterUserScramCredentials(missing).all().get(30, TimeUnit.SECONDS);
				this.progress.accept(
						"created SCRAM users " + missing.stream().map(UserScramCredentialAlteration::user).toList());
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not create the SCRAM users", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Makes the cluster's ACLs the matrix, with the admin principal (a super user, or it
	 * could not create the first ACL): creates what is missing and deletes what the
	 * matrix no longer has, so a row removed from the file is a right taken away.
	 */
	private void applyAclMatrix() {
		Set<AclBinding> bindings = AclMatrix.load().bindings();
		try {
			Set<AclBinding> existing = new HashSet<>(
					this.admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
			List<AclBindingFilter> stale = existing.stream()
				.filter((binding) -> !bindings.contains(binding))
				.map(AclBinding::toFilter)
				.toList();
			if (!stale.isEmpty()) {
				this.admin.deleteAcls(stale).all().get(30, TimeUnit.SECONDS);
				this.progress.accept("deleted %d ACLs the matrix no longer has".formatted(stale.size()));
			}
			List<AclBinding> missing = bindings.stream().filter((binding) -> !existing.contains(binding)).toList();
			if (!missing.isEmpty()) {
				this.admin.createAcls(missing).all().get(30, TimeUnit.SECONDS);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not apply the ACL matrix", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		this.progress.accept("secured: SASL_SSL (SCRAM-SHA-512) for clients, mutual TLS for controllers, deny by"
				+ " default; %d ACLs of the matrix for principals %s".formatted(bindings.size(),
						AclMatrix.load().principals()));
	}

	private static Properties adminConfiguration(Map<String, Object> client) {
		Properties configuration = new Properties();
		configuration.putAll(client);
		configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-local-cluster");
		configuration.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
		configuration.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
		// Nodes come and go on purpose here: reconnect quickly when they are back.
		configuration.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
		return configuration;
	}

	private static void refuseIfRunning(Collection<KafkaNode> nodes) {
		for (KafkaNode node : nodes) {
			node.pidFile().liveProcess().ifPresent((process) -> {
				throw new IllegalStateException("Kafka node " + node.id() + " of " + node.directory()
						+ " is already running (pid " + process.pid() + "): stop it first (./demo down)");
			});
		}
	}

	private static void refuseIfPortsTaken(Layout layout) {
		for (int id : layout.nodeIds()) {
			for (int port : List.of(layout.brokerPort(id), layout.controllerPort(id))) {
				if (!Layout.isFree(port)) {
					throw new IllegalStateException("Port " + port + " on 127.0.0.1 is taken: is another cluster"
							+ " running? Stop it (./demo down) or choose other ports (--kafka-port, --controller-port)");
				}
			}
		}
	}

	private static void format(Collection<KafkaNode> nodes, Layout layout, Consumer<String> progress) {
		List<KafkaNode> unformatted = nodes.stream().filter((node) -> !node.isFormatted()).toList();
		if (unformatted.isEmpty()) {
			progress.accept("data of all " + NODES + " nodes found in " + Layout.kafkaDirectory(layout.dataDirectory())
					+ ": starting on it");
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
				unformatted.stream().map(KafkaNode::id).toList(), Layout.kafkaDirectory(layout.dataDirectory()),
				clusterId, (System.nanoTime() - started) / 1e9));
	}

	private static Path writeBrokerLogConfiguration(Layout layout) {
		Path target = Layout.kafkaDirectory(layout.dataDirectory()).resolve("broker-log4j2.xml");
		try (InputStream in = LocalCluster.class.getResourceAsStream("broker-log4j2.xml")) {
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

	/**
	 * The brokers' JIT compiler. A broker of the demo or of a test lives minutes at a few
	 * orders per second, too briefly for C2's compiles to pay off: with C1 alone the
	 * whole running system used 0.41 cores idle instead of 0.59, and 0.77 instead of 1.08
	 * at one order per second, in its first minutes on two cores.
	 */
	public enum Compiler {

		/** C1 only: for the demo and the tests. */
		QUICK(List.of("-XX:TieredStopAtLevel=1")),

		/**
		 * Kafka's own setting, C1 then C2: for the bench, whose brokers run at thousands
		 * of records per second, where C2's code pays for its compiles.
		 */
		PEAK(List.of());

		private final List<String> jvmFlags;

		Compiler(List<String> jvmFlags) {
			this.jvmFlags = jvmFlags;
		}

		List<String> jvmFlags() {
			return this.jvmFlags;
		}

	}

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
	public record Layout(Path dataDirectory, int firstBrokerPort, int firstControllerPort) {

		/**
		 * Ports for {@link #withFreePorts}: below Linux's ephemeral range (32768 and up),
		 * where client sockets take their local ports, and clear of the default ports.
		 */
		private static final int FREE_PORTS_FROM = 20000;

		private static final int FREE_PORTS_TO = 32000;

		public Layout {
			if (firstBrokerPort < 1 || firstBrokerPort + NODES - 1 > 65535 || firstControllerPort < 1
					|| firstControllerPort + NODES - 1 > 65535) {
				throw new IllegalArgumentException(
						"Ports out of range: " + firstBrokerPort + ", " + firstControllerPort);
			}
			if (Math.abs(firstBrokerPort - firstControllerPort) < NODES) {
				throw new IllegalArgumentException("Broker ports " + firstBrokerPort + "+ and controller ports "
						+ firstControllerPort + "+ overlap");
			}
		}

		/** Brokers on 9092-9094, controllers on 19092-19094. */
		public static Layout defaults(Path dataDirectory) {
			return new Layout(dataDirectory, 9092, 19092);
		}

		/** Two runs of three consecutive ports that are free on 127.0.0.1 right now. */
		public static Layout withFreePorts(Path dataDirectory) {
			int brokers = freeRun(-1);
			int controllers = freeRun(brokers);
			return new Layout(dataDirectory, brokers, controllers);
		}

		public int brokerPort(int nodeId) {
			return this.firstBrokerPort + nodeId - 1;
		}

		public int controllerPort(int nodeId) {
			return this.firstControllerPort + nodeId - 1;
		}

		public List<Integer> nodeIds() {
			return IntStream.rangeClosed(1, NODES).boxed().toList();
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
				int first = ThreadLocalRandom.current().nextInt(FREE_PORTS_FROM, FREE_PORTS_TO - NODES);
				boolean clear = avoid < 0 || Math.abs(first - avoid) >= NODES;
				if (clear && IntStream.range(first, first + NODES).allMatch(Layout::isFree)) {
					return first;
				}
			}
			throw new IllegalStateException(
					"No " + NODES + " consecutive free ports between " + FREE_PORTS_FROM + " and " + FREE_PORTS_TO);
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

}
