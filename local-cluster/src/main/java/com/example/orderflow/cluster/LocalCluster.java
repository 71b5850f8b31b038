package com.example.orderflow.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import com.example.orderflow.cluster.security.AclMatrix;
import com.example.orderflow.cluster.security.ClusterSecurity;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * A real three-node KRaft cluster on loopback: three {@code kafka.Kafka} JVMs, each
 * broker and controller at once, the three controllers forming the metadata quorum. Data
 * stays in the layout's directory, so a restart keeps every topic and offset.
 *
 * <pre>
 * try (LocalCluster cluster = LocalCluster.start(ClusterLayout.withFreePorts(dir), System.out::println)) {
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

	/**
	 * How soon the brokers notice a member gone, for the groups whose timeouts the broker
	 * sets: consumer groups on the rebalance protocol of KIP-848
	 * ({@code group.protocol=consumer}) and share groups (KIP-932). A {@code kill -9}ed
	 * member is noticed after 10 s instead of 45 s, and assignments travel with
	 * heartbeats every second instead of every 5 s; the minimums admit the classic
	 * protocol's 6 s for a comparison with equal timeouts. A record that a share group's
	 * member took but never acknowledged goes back to the others after 5 s instead of 30
	 * s. The compose file's brokers have the same.
	 */
	public static final Map<String, String> GROUP_TIMEOUTS = groupTimeouts();

	private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Each secured node sets up TLS for its listeners and controller connections in a
	 * cold JVM (seconds each on a busy 2-core machine): 18 s where plaintext took 10 s in
	 * one run, and over two minutes while other builds loaded the machine.
	 */
	private static final Duration SECURED_START_TIMEOUT = Duration.ofMinutes(4);

	private static final Duration NODE_START_TIMEOUT = Duration.ofSeconds(90);

	/**
	 * What still runs after this is killed. Measured: all three stop together in 0.6-2.0
	 * s, the last one killed once its broker is down (see {@link #close()}).
	 */
	private static final Duration STOP_GRACE = Duration.ofSeconds(30);

	/**
	 * How long the last node left running may still take to shut its broker down before
	 * it is killed: alone it has no quorum, so a broker still waiting for the controllers
	 * to approve its controlled shutdown would wait minutes.
	 */
	private static final Duration ALONE_GRACE = Duration.ofSeconds(5);

	private static final Duration POLL = Duration.ofMillis(250);

	/**
	 * A stop is watched closely: the last node is killed as soon as its broker is down.
	 */
	private static final Duration STOP_POLL = Duration.ofMillis(100);

	/** How often a long wait says that it is still waiting. */
	private static final Duration STILL_WAITING = Duration.ofSeconds(5);

	private final ClusterLayout layout;

	private final Map<Integer, KafkaNode> nodes;

	private final Path brokerLogConfiguration;

	private final String classpath;

	private final Consumer<String> progress;

	private final ClusterAdmin admin;

	/** Null for the plaintext cluster. */
	private final ClusterSecurity security;

	private final Compiler compiler;

	private boolean closed;

	private LocalCluster(ClusterLayout layout, Map<Integer, KafkaNode> nodes, Path brokerLogConfiguration,
			ClusterSecurity security, Compiler compiler, Consumer<String> progress) {
		this.layout = layout;
		this.nodes = nodes;
		this.brokerLogConfiguration = brokerLogConfiguration;
		this.security = security;
		this.compiler = compiler;
		this.classpath = ParentWatch.childClasspath();
		this.progress = progress;
		this.admin = new ClusterAdmin(clientProperties(layout, security), progress);
	}

	/**
	 * Formats the nodes' storage unless it is formatted already, starts the three nodes
	 * and returns once all three brokers are registered, the quorum has a leader, the
	 * finalized features allow share groups (raised if the data is older) and the main
	 * topics exist with every partition led.
	 * @param layout where data, logs and PID files go, and the ports
	 * @param progress receives one line per step
	 * @return the running cluster; close it to stop all three nodes
	 */
	public static LocalCluster start(ClusterLayout layout, Consumer<String> progress) {
		return start(layout, Compiler.QUICK, progress);
	}

	/**
	 * Like {@link #start(ClusterLayout, Consumer)}, with the brokers' JIT compiler
	 * chosen.
	 * @param layout where data, logs and PID files go, and the ports
	 * @param compiler {@link Compiler#PEAK} for a run that measures throughput
	 * @param progress receives one line per step
	 * @return the running cluster; close it to stop all three nodes
	 */
	public static LocalCluster start(ClusterLayout layout, Compiler compiler, Consumer<String> progress) {
		if (ClusterSecurity.existing(layout.dataDirectory()).isPresent()) {
			throw new IllegalStateException("The data in " + layout.dataDirectory() + " is a secured cluster's:"
					+ " start it with --secure, or wipe it first (./demo clean)");
		}
		return start(layout, null, compiler, progress);
	}

	/**
	 * Like {@link #start(ClusterLayout, Consumer)}, but secured: TLS and SCRAM for
	 * clients, mutual TLS between controllers, deny by default, and the {@link AclMatrix}
	 * applied. Certificates and passwords are made on the first start and kept with the
	 * data.
	 */
	public static LocalCluster startSecured(ClusterLayout layout, Consumer<String> progress) {
		boolean formatted = layout.nodeIds().stream().anyMatch((id) -> new KafkaNode(id, layout, null).isFormatted());
		if (formatted && ClusterSecurity.existing(layout.dataDirectory()).isEmpty()) {
			throw new IllegalStateException("The data in " + layout.dataDirectory() + " is a plaintext cluster's:"
					+ " its users were never created; start it without --secure, or wipe it first (./demo clean)");
		}
		return start(layout, ClusterSecurity.prepare(layout.dataDirectory(), progress), Compiler.QUICK, progress);
	}

	private static LocalCluster start(ClusterLayout layout, ClusterSecurity security, Compiler compiler,
			Consumer<String> progress) {
		Map<Integer, KafkaNode> nodes = new LinkedHashMap<>();
		layout.nodeIds().forEach((id) -> nodes.put(id, new KafkaNode(id, layout, security)));
		NodeStorage.refuseIfRunning(nodes.values());
		NodeStorage.refuseIfPortsTaken(layout);
		Path logConfiguration = NodeStorage.writeBrokerLogConfiguration(layout);
		nodes.values().forEach(KafkaNode::writeConfiguration);
		NodeStorage.format(nodes.values(), layout, progress);
		LocalCluster cluster = new LocalCluster(layout, nodes, logConfiguration, security, compiler, progress);
		try {
			cluster.launchAll();
			cluster.admin.upgradeFeatures(layout.dataDirectory());
			if (security != null) {
				cluster.admin.createMissingUsers(security);
				cluster.admin.applyAclMatrix();
			}
			cluster.admin.createMainTopics();
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
		return cluster;
	}

	/** Wipes the cluster's data, logs and PID files under a data directory. */
	public static void clean(Path dataDirectory) {
		NodeStorage.clean(dataDirectory);
	}

	public String bootstrapServers() {
		return bootstrapServers(this.layout, this.security);
	}

	/** Secured clusters are reached by the host name their certificate carries. */
	private static String bootstrapServers(ClusterLayout layout, ClusterSecurity security) {
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
	public static Map<String, Object> clientProperties(ClusterLayout layout, ClusterSecurity security) {
		Map<String, Object> properties = new HashMap<>();
		if (security != null) {
			properties.putAll(security.clientProperties(ClusterSecurity.ADMIN));
		}
		properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(layout, security));
		return Map.copyOf(properties);
	}

	public ClusterLayout layout() {
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
		while (!this.admin.registeredBrokers().contains(nodeId) || !this.admin.caughtUpSince(nodeId, launched)) {
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
			List<String> lagging = this.admin.underReplicated();
			if (lagging.isEmpty()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Still under-replicated after " + timeout + ": " + lagging);
			}
			pause();
		}
	}

	/**
	 * Stops all running nodes at the same time (SIGTERM): each broker's controlled
	 * shutdown needs the controllers' approval, which a quorum gives while at least two
	 * nodes run. The last node left can no longer reach one: its controller, once its
	 * broker is down, waits 5 s in vain for voters that are gone to take over, and a
	 * broker still waiting for approval would wait minutes (measured: 3 of 70 stops
	 * needed the kill after 30 s, and every other stop waited those 5 s). So the last
	 * node is killed as soon as its broker has shut down, its logs closed cleanly, or
	 * after {@link #ALONE_GRACE}; whatever is left after {@link #STOP_GRACE} as well.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.admin.close();
		List<KafkaNode> running = this.nodes.values().stream().filter(KafkaNode::isRunning).toList();
		long started = System.nanoTime();
		running.forEach((node) -> node.handle().ifPresent(ProcessHandle::destroy));
		List<KafkaNode> alive = running;
		long aloneSince = 0;
		String ending = "";
		while (!alive.isEmpty() && System.nanoTime() - started < STOP_GRACE.toNanos()) {
			if (alive.size() == 1) {
				KafkaNode last = alive.get(0);
				aloneSince = (aloneSince != 0) ? aloneSince : System.nanoTime();
				if (last.brokerShutDown()) {
					last.kill();
					ending = " (node %d's broker shut down, its controller killed: no voter left to hand over to)"
						.formatted(last.id());
				}
				else if (System.nanoTime() - aloneSince > ALONE_GRACE.toNanos()) {
					last.kill();
					ending = " (node %d killed: its broker still waited for a quorum that had stopped)"
						.formatted(last.id());
				}
			}
			try {
				Thread.sleep(STOP_POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			alive = alive.stream().filter(KafkaNode::isRunning).toList();
		}
		alive.forEach(KafkaNode::kill);
		this.nodes.values().forEach((node) -> node.pidFile().delete());
		if (!running.isEmpty()) {
			this.progress.accept("cluster stopped after %.1f s%s".formatted((System.nanoTime() - started) / 1e9,
					alive.isEmpty() ? ending : " (" + alive.size() + " node(s) needed kill -9)"));
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
			for (int id : this.admin.registeredBrokers()) {
				if (up.add(id)) {
					this.progress.accept("node %d up after %.1f s".formatted(id, node(id).secondsSinceLaunch()));
				}
			}
			if (up.size() == NODES) {
				QuorumInfo quorum = this.admin.quorum();
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

	private static Map<String, String> groupTimeouts() {
		Map<String, String> timeouts = new LinkedHashMap<>();
		for (String kind : List.of("consumer", "share")) {
			timeouts.put("group." + kind + ".session.timeout.ms", "10000");
			timeouts.put("group." + kind + ".min.session.timeout.ms", "6000");
			timeouts.put("group." + kind + ".heartbeat.interval.ms", "1000");
			timeouts.put("group." + kind + ".min.heartbeat.interval.ms", "500");
		}
		timeouts.put("group.share.record.lock.duration.ms", "5000");
		timeouts.put("group.share.min.record.lock.duration.ms", "1000");
		return Collections.unmodifiableMap(timeouts);
	}

}
