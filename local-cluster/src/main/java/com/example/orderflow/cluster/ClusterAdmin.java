package com.example.orderflow.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.security.AclMatrix;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.common.ShareVersion;

/**
 * What {@link LocalCluster} asks the cluster itself, through one Admin client for the
 * cluster's life: which brokers are registered, whether a node's controller has caught up
 * with the metadata quorum, the main topics (created, every partition led), which
 * partitions are under-replicated, and in secured mode the SCRAM users and the ACL
 * matrix; and the finalized features, raised when the data was formatted by an older
 * Kafka.
 */
final class ClusterAdmin implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(250);

	/** How long the new topics' partitions may take to have leaders. */
	private static final Duration LEADERS_TIMEOUT = Duration.ofMinutes(2);

	/** Kafka's default for SCRAM-SHA-512, as {@code kafka-storage format} uses. */
	private static final int SCRAM_ITERATIONS = 4096;

	private final Admin admin;

	private final Consumer<String> progress;

	/**
	 * @param clientProperties the bootstrap servers and, secured, the admin principal's
	 * settings
	 * @param progress receives one line per step
	 */
	ClusterAdmin(Map<String, Object> clientProperties, Consumer<String> progress) {
		this.admin = Admin.create(adminConfiguration(clientProperties));
		this.progress = progress;
	}

	Set<Integer> registeredBrokers() {
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
	boolean caughtUpSince(int nodeId, long epochMillis) {
		QuorumInfo quorum = quorum();
		return quorum != null && quorum.leaderId() >= 0
				&& quorum.voters()
					.stream()
					.anyMatch((voter) -> voter.replicaId() == nodeId && (voter.replicaId() == quorum.leaderId()
							|| voter.lastCaughtUpTimestamp().orElse(0) >= epochMillis));
	}

	QuorumInfo quorum() {
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

	/**
	 * Share groups (KIP-932) need {@code share.version} 1, which needs
	 * {@code metadata.version} 4.2-IV0 or later. Storage formatted by an older Kafka
	 * (this project ran 4.1.2 before) keeps its finalized features across a broker
	 * upgrade, so a {@code local/} of then has share groups switched off: raise
	 * {@code metadata.version} to the newest these brokers support, then
	 * {@code share.version} to 1, and say so. Both are upgrades the controller checks and
	 * may refuse; then only a wipe helps.
	 * @param dataDirectory named in the message if the upgrade is refused
	 */
	void upgradeFeatures(Path dataDirectory) {
		FeatureMetadata features;
		try {
			features = this.admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not read the cluster's features", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		short metadata = finalized(features, MetadataVersion.FEATURE_NAME);
		short newestMetadata = features.supportedFeatures().get(MetadataVersion.FEATURE_NAME).maxVersion();
		short share = finalized(features, ShareVersion.FEATURE_NAME);
		short shareGroups = ShareVersion.SV_1.featureLevel();
		if (metadata >= newestMetadata && share >= shareGroups) {
			return;
		}
		String was = "metadata.version %s, share.version %d".formatted(versionName(metadata), share);
		try {
			// One at a time: share.version 1 is checked against the finalized
			// metadata.version.
			if (metadata < newestMetadata) {
				update(MetadataVersion.FEATURE_NAME, newestMetadata);
			}
			if (share < shareGroups) {
				update(ShareVersion.FEATURE_NAME, shareGroups);
			}
		}
		catch (ExecutionException | TimeoutException ex) {
			String why = (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage();
			throw new IllegalStateException(("The cluster in %s was formatted by an older Kafka (%s) and refused the"
					+ " upgrade to metadata.version %s and share.version %d: %s. Stop it and wipe its data (./demo"
					+ " clean), then start again")
				.formatted(dataDirectory, was, versionName(newestMetadata), shareGroups, why), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		this.progress.accept(("upgraded the cluster's features from %s (its data was formatted by an older Kafka)"
				+ " to metadata.version %s, share.version %d: share groups on")
			.formatted(was, versionName(newestMetadata), shareGroups));
	}

	private void update(String feature, short level) throws ExecutionException, TimeoutException, InterruptedException {
		this.admin.updateFeatures(Map.of(feature, new FeatureUpdate(level, FeatureUpdate.UpgradeType.UPGRADE)))
			.all()
			.get(30, TimeUnit.SECONDS);
	}

	private static short finalized(FeatureMetadata features, String feature) {
		FinalizedVersionRange range = features.finalizedFeatures().get(feature);
		return (range != null) ? range.maxVersionLevel() : 0;
	}

	private static String versionName(short metadataLevel) {
		try {
			return MetadataVersion.fromFeatureLevel(metadataLevel).version();
		}
		catch (IllegalArgumentException ex) {
			return "level " + metadataLevel;
		}
	}

	void createMainTopics() {
		try {
			Set<String> existing = this.admin.listTopics().names().get(30, TimeUnit.SECONDS);
			List<NewTopic> missing = Topics.MAIN.stream()
				.filter((topic) -> !existing.contains(topic))
				.map((topic) -> new NewTopic(topic, Topics.PARTITIONS, LocalCluster.REPLICATION_FACTOR)
					.configs(Map.of("min.insync.replicas", Integer.toString(LocalCluster.MIN_INSYNC_REPLICAS))))
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
							Topics.PARTITIONS, LocalCluster.REPLICATION_FACTOR, LocalCluster.MIN_INSYNC_REPLICAS));
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
		long deadline = System.nanoTime() + LEADERS_TIMEOUT.toNanos();
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

	List<String> underReplicated() {
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

	/**
	 * Creates the SCRAM users of principals added to the matrix since the storage was
	 * formatted (format created all the others).
	 */
	void createMissingUsers(ClusterSecurity security) {
		try {
			Set<String> existing = this.admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS).keySet();
			List<UserScramCredentialAlteration> missing = new ArrayList<>();
			security.principalPasswords().forEach((principal, password) -> {
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
	void applyAclMatrix() {
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

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(2));
	}

}
