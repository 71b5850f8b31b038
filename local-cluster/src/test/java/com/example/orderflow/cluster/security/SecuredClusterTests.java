package com.example.orderflow.cluster.security;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The locks of secured mode, tried on a real secured 3-node cluster: each attempt out of
 * a principal's lane is refused with the specific error and writes nothing, a principal
 * in its lane gets through, and the cluster's ACLs are exactly the declared matrix. Last,
 * the same cluster is started again on its data, as {@code ./demo up --secure} twice: one
 * secured cluster start serves every test but that restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredClusterTests {

	/** Long enough for a refusal to arrive, short enough that a hang fails soon. */
	private static final int MAX_BLOCK_MS = 8000;

	@TempDir
	static Path directory;

	private static LocalCluster cluster;

	private static ClusterSecurity security;

	private static Admin admin;

	@BeforeAll
	static void startSecuredCluster() {
		start(ClusterLayout.withFreePorts(directory));
	}

	@AfterAll
	static void stopCluster() {
		if (admin != null) {
			admin.close(Duration.ofSeconds(2));
			admin = null;
		}
		if (cluster != null) {
			List<Long> pids = cluster.layout().nodeIds().stream().map(cluster::pid).toList();
			cluster.close();
			cluster = null;
			assertThat(pids).noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		}
	}

	private static void start(ClusterLayout layout) {
		cluster = LocalCluster.startSecured(layout, (line) -> System.out.println("[cluster] " + line));
		security = cluster.security().orElseThrow();
		admin = Admin.create(clientConfig(cluster.bootstrapServers(), cluster.adminClientProperties()));
	}

	/**
	 * The matrix is the truth again after a restart, and a principal whose user the
	 * cluster lacks (one added to the matrix after the storage was formatted) gets one.
	 * Last of the class, for it stops the cluster the others use.
	 */
	@Test
	@Order(Integer.MAX_VALUE)
	void aRestartRemovesAclsTheMatrixDoesNotHaveAndCreatesUsersTheClusterLacks() throws Exception {
		AclBinding stray = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.ORDERS, PatternType.LITERAL),
				new AccessControlEntry("User:notification", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
		admin.createAcls(List.of(stray)).all().get(30, TimeUnit.SECONDS);
		// As if fraud had been added to the matrix after the format: no user, no
		// password.
		admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("fraud", ScramMechanism.SCRAM_SHA_512)))
			.all()
			.get(30, TimeUnit.SECONDS);
		// The deletion reaches every broker with the next metadata update.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS))
				.doesNotContainKey("fraud"));
		ClusterLayout layout = cluster.layout();
		stopCluster();
		Path passwords = ClusterSecurity.directory(directory).resolve("passwords.properties");
		Files.write(passwords,
				Files.readAllLines(passwords, StandardCharsets.ISO_8859_1)
					.stream()
					.filter((line) -> !line.startsWith("fraud="))
					.toList(),
				StandardCharsets.ISO_8859_1);

		start(layout);
		// ACLs and users are metadata: each broker has them after its next update.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Set<AclBinding> acls = Set
				.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
			assertThat(acls).doesNotContain(stray).isEqualTo(AclMatrix.load().bindings());
		});
		// The new password works: fraud may describe its own output topic.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			try (Admin fraud = Admin
				.create(clientConfig(cluster.bootstrapServers(), security.clientProperties("fraud")))) {
				assertThat(
						fraud.describeTopics(List.of(Topics.FRAUD_DECISIONS)).allTopicNames().get(30, TimeUnit.SECONDS))
					.containsKey(Topics.FRAUD_DECISIONS);
			}
		});
	}

	@Test
	void theClustersAclsAreExactlyTheDeclaredMatrix() {
		// ACLs are metadata: a broker answers with them after its next update.
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Set<AclBinding> onCluster = Set
				.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS));
			assertThat(onCluster).isEqualTo(AclMatrix.load().bindings());
		});
	}

	@Test
	void aPrincipalInItsLaneWritesTransactionallyAndReadsAsItsGroup() throws Exception {
		String key = "in-lane-" + UUID.randomUUID();
		try (KafkaProducer<String, String> producer = producer(security.clientProperties("orders"),
				Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders.test-1"))) {
			producer.initTransactions();
			producer.beginTransaction();
			producer.send(new ProducerRecord<>(Topics.ORDERS, key, "{}"));
			producer.commitTransaction();
		}
		try (KafkaConsumer<String, String> billing = consumer(security.clientProperties("billing"),
				ConsumerGroups.BILLING)) {
			billing.subscribe(List.of(Topics.ORDERS));
			List<String> keys = new ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				billing.poll(Duration.ofMillis(500)).forEach((record) -> keys.add(record.key()));
				assertThat(keys).contains(key);
			});
		}
	}

	@Test
	void aWrongPasswordIsRefusedAndWritesNothing() throws Exception {
		Map<String, Object> wrong = ClusterSecurity.clientProperties("orders", "not-the-password",
				security.truststore());
		assertRefusedAndNothingWritten(Topics.ORDERS, SaslAuthenticationException.class,
				(key) -> send(producer(wrong, Map.of()), Topics.ORDERS, key));
	}

	@Test
	void aPlaintextClientGetsNothingFromTheTlsListenerAndWritesNothing() throws Exception {
		Map<String, Object> plaintext = Map.of("security.protocol", "PLAINTEXT");
		// The broker only sees bytes that are no TLS handshake and drops the connection:
		// the client never gets metadata, however long it waits (3 s, not the 8 s the
		// other clients may take to learn they are refused).
		assertRefusedAndNothingWritten(Topics.ORDERS, TimeoutException.class,
				(key) -> send(producer(plaintext, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3000)), Topics.ORDERS,
						key));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(brokerLogs()).contains("SSL handshake failed"));
	}

	@Test
	void aCertificateForAnotherHostIsRefusedAndWritesNothing() throws Exception {
		// The nodes' certificate names localhost only: reached as 127.0.0.1, it is not
		// the certificate of the host the client asked for.
		String byAddress = cluster.layout().bootstrapServers("127.0.0.1");
		assertRefusedAndNothingWritten(Topics.ORDERS, SslAuthenticationException.class,
				(key) -> send(
						new KafkaProducer<>(producerConfig(byAddress, security.clientProperties("orders"), Map.of())),
						Topics.ORDERS, key));
	}

	@Test
	void notificationMayNotWriteOrders() throws Exception {
		assertRefusedAndNothingWritten(Topics.ORDERS, TopicAuthorizationException.class,
				(key) -> send(producer(security.clientProperties("notification"), Map.of()), Topics.ORDERS, key));
	}

	@Test
	void billingV2OnStandbyMayNotWriteInvoices() throws Exception {
		assertRefusedAndNothingWritten(Topics.INVOICES, TopicAuthorizationException.class,
				(key) -> send(producer(security.clientProperties("billing-v2"), Map.of()), Topics.INVOICES, key));
	}

	@Test
	void aServiceMayNotUseAnothersTransactionalId() throws Exception {
		assertRefusedAndNothingWritten(Topics.SHIPMENTS, TransactionalIdAuthorizationException.class, (key) -> {
			try (KafkaProducer<String, String> producer = producer(security.clientProperties("shipping"),
					Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fraud.fraud-service-0"))) {
				producer.initTransactions();
				producer.beginTransaction();
				producer.send(new ProducerRecord<>(Topics.SHIPMENTS, key, "{}"));
				producer.commitTransaction();
			}
		});
	}

	@Test
	void billingMayNotReadAsShippingsGroup() throws Exception {
		Map<TopicPartition, ?> before = committedOffsets(ConsumerGroups.SHIPPING);
		Throwable refusal = catchThrowable(() -> {
			try (KafkaConsumer<String, String> billing = consumer(security.clientProperties("billing"),
					ConsumerGroups.SHIPPING)) {
				billing.subscribe(List.of(Topics.ORDERS));
				billing.poll(Duration.ofSeconds(10));
			}
		});
		assertThat(causes(refusal)).hasAtLeastOneElementOfType(GroupAuthorizationException.class);
		assertThat(committedOffsets(ConsumerGroups.SHIPPING)).isEqualTo(before);
	}

	@Test
	void secretsAreOwnerOnlyAndInNoLog() throws IOException {
		assertThat(Files.getPosixFilePermissions(security.directory()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		try (Stream<Path> files = Files.list(security.directory())) {
			files.filter((file) -> !file.getFileName().toString().endsWith(".crt"))
				.forEach((file) -> assertThat(permissions(file)).as(file.toString()).isEqualTo("rw-------"));
		}
		String logs = brokerLogs();
		assertThat(logs).contains("StandardAuthorizer");
		assertThat(security.allPasswords()).allSatisfy((password) -> assertThat(logs).doesNotContain(password));
	}

	/**
	 * The compose file's own shell, run with bash: {@code kafka-secrets} writes a
	 * principal's files, then {@code kafka-init}'s loop gives the SCRAM file to Kafka's
	 * config command ({@code kafka-configs.sh} is {@code kafka.admin.ConfigCommand}, from
	 * the jar this build runs the brokers with), as the admin, against this cluster; the
	 * password the service container would read must then log in, and a wrong one must
	 * not. The principal is one of the test's own, so the cluster's other users keep
	 * their passwords.
	 */
	@Test
	void theComposeScramFileIsAcceptedByKafkasConfigCommandAndItsPasswordLogsIn(@TempDir Path compose)
			throws Exception {
		String principal = "compose-" + UUID.randomUUID().toString().substring(0, 8);
		Path secrets = Files.createDirectories(compose.resolve("compose-secrets").resolve("principals")).getParent();
		// kafka-secrets reads only the principal column of the matrix.
		Path matrix = Files.writeString(compose.resolve("acl-matrix.tsv"),
				principal + "\ttopic\tliteral\t" + Topics.ORDERS + "\tREAD\n");
		ComposeScript secretsScript = ComposeScript.commandOf("kafka-secrets");
		ComposeScript.Result written = ComposeScript.run(
				String.join("\n", secretsScript.options(), secretsScript.function("password"),
						secretsScript.loopContaining("scram.properties")),
				Map.of("/acl-matrix.tsv", matrix), secrets, Map.of());
		assertThat(written.exitCode()).as("kafka-secrets' loop printed:%n%s", written.output()).isZero();
		Path principalDirectory = secrets.resolve("principals").resolve(principal);
		assertThat(principalDirectory.resolve("ORDERFLOW_KAFKA_USERNAME")).hasContent(principal);
		String password = Files.readString(principalDirectory.resolve("ORDERFLOW_KAFKA_PASSWORD"));
		assertThat(password).hasSizeGreaterThanOrEqualTo(16);

		ComposeScript initScript = ComposeScript.commandOf("kafka-init");
		ComposeScript.Result applied = ComposeScript.run(
				String.join("\n", initScript.options(), "servers=" + cluster.bootstrapServers(),
						"tls=" + commandConfig(compose), initScript.loopContaining("kafka-configs.sh")),
				Map.of("/secrets/principals", secrets.resolve("principals"), "/opt/kafka/bin/kafka-configs.sh",
						kafkaConfigsCommand(compose)),
				compose, Map.of("CLASSPATH", absoluteClasspath()));
		// Kafka names the refused value, password and all: never in a report.
		assertThat(applied.exitCode())
			.as("kafka-init's loop (kafka-configs) printed:%n%s", applied.output().replace(password, "<password>"))
			.isZero();

		// Each broker learns the new credential from the metadata log, a moment after the
		// controller accepted it.
		await().atMost(Duration.ofSeconds(30))
			.ignoreExceptionsMatching(
					(thrown) -> causes(thrown).stream().anyMatch(SaslAuthenticationException.class::isInstance))
			.untilAsserted(() -> assertThat(clusterIdSeenAs(principal, password)).isNotBlank());
		Throwable refusal = catchThrowable(() -> clusterIdSeenAs(principal, "not-" + password));
		assertThat(causes(refusal)).as("what was thrown: %s", refusal)
			.hasAtLeastOneElementOfType(SaslAuthenticationException.class);
	}

	/** The admin's client settings as a file, as the compose tooling gets them. */
	private static Path commandConfig(Path directory) throws IOException {
		Properties properties = new Properties();
		properties.putAll(cluster.adminClientProperties());
		Path file = directory.resolve("admin.properties");
		try (OutputStream out = Files.newOutputStream(file)) {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			properties.store(out, null);
		}
		return file;
	}

	/**
	 * What {@code /opt/kafka/bin/kafka-configs.sh} does in the image: Kafka's config
	 * command, here on this JVM's classpath (given as {@code CLASSPATH}).
	 */
	private static Path kafkaConfigsCommand(Path directory) throws IOException {
		Path command = directory.resolve("kafka-configs.sh");
		// The heap of Kafka's kafka-run-class.sh.
		Files.writeString(command, "#!/bin/bash\nexec '%s' -Xmx256m kafka.admin.ConfigCommand \"$@\"\n"
			.formatted(Path.of(System.getProperty("java.home"), "bin", "java")));
		Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwx------"));
		return command;
	}

	/** Absolute entries: the command runs in another working directory. */
	private static String absoluteClasspath() {
		return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	/** Logs in as a user (any Kafka request needs it) and asks for the cluster's id. */
	private static String clusterIdSeenAs(String user, String password) throws Exception {
		Map<String, Object> config = clientConfig(cluster.bootstrapServers(),
				ClusterSecurity.clientProperties(user, password, security.truststore()));
		try (Admin client = Admin.create(config)) {
			return client.describeCluster().clusterId().get(MAX_BLOCK_MS, TimeUnit.MILLISECONDS);
		}
	}

	private interface Attempt {

		void run(String key) throws Exception;

	}

	/**
	 * Runs an attempt with a key of its own, expects the refusal among the causes of what
	 * it throws, then checks, as the admin, that the topic's end offsets did not move and
	 * that no committed record carries the key.
	 */
	private static Throwable assertRefusedAndNothingWritten(String topic, Class<? extends Throwable> refusal,
			Attempt attempt) throws Exception {
		String key = "refused-" + UUID.randomUUID();
		Map<TopicPartition, Long> before = endOffsets(topic);
		ThrowingCallable call = () -> attempt.run(key);
		Throwable thrown = catchThrowable(call);
		assertThat(causes(thrown)).as("what was thrown: %s", thrown).hasAtLeastOneElementOfType(refusal);
		assertThat(endOffsets(topic)).isEqualTo(before);
		assertThat(committedKeys(topic)).doesNotContain(key);
		return thrown;
	}

	private static List<Throwable> causes(Throwable thrown) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = thrown; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	/** Sends one record and waits for the answer, closing the producer either way. */
	private static void send(KafkaProducer<String, String> producer, String topic, String key) throws Exception {
		try (producer) {
			producer.send(new ProducerRecord<>(topic, key, "{}")).get(30, TimeUnit.SECONDS);
		}
	}

	private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
			latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
		}
		// Uncommitted too: a refused write must not even be in the log.
		return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
			.all()
			.get(10, TimeUnit.SECONDS)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
	}

	private static Map<TopicPartition, ?> committedOffsets(String group) throws Exception {
		return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
	}

	private static List<String> committedKeys(String topic) {
		Map<String, Object> config = new HashMap<>(cluster.adminClientProperties());
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(
				consumerConfig(cluster.bootstrapServers(), config, null))) {
			List<TopicPartition> partitions = reader.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			reader.assign(partitions);
			reader.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
			List<String> keys = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (partitions.stream().anyMatch((partition) -> reader.position(partition) < ends.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + topic + " to its end");
				}
				for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(500))) {
					keys.add(record.key());
				}
			}
			return keys;
		}
	}

	private static String brokerLogs() throws IOException {
		StringBuilder logs = new StringBuilder();
		try (Stream<Path> files = Files.list(cluster.layout().logDirectory())) {
			for (Path file : files.toList()) {
				logs.append(Files.readString(file));
			}
		}
		return logs.toString();
	}

	private static String permissions(Path file) {
		try {
			return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static KafkaProducer<String, String> producer(Map<String, Object> security, Map<String, Object> extra) {
		return new KafkaProducer<>(producerConfig(cluster.bootstrapServers(), security, extra));
	}

	private static Map<String, Object> producerConfig(String bootstrapServers, Map<String, Object> security,
			Map<String, Object> extra) {
		Map<String, Object> config = clientConfig(bootstrapServers, security);
		config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
		config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, MAX_BLOCK_MS);
		config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, MAX_BLOCK_MS - 1000);
		config.putAll(extra);
		return config;
	}

	private static KafkaConsumer<String, String> consumer(Map<String, Object> security, String group) {
		return new KafkaConsumer<>(consumerConfig(cluster.bootstrapServers(), security, group));
	}

	private static Map<String, Object> consumerConfig(String bootstrapServers, Map<String, Object> security,
			String group) {
		Map<String, Object> config = clientConfig(bootstrapServers, security);
		config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		if (group != null) {
			config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
		}
		return config;
	}

	private static Map<String, Object> clientConfig(String bootstrapServers, Map<String, Object> security) {
		Map<String, Object> config = new HashMap<>(security);
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		return config;
	}

}
