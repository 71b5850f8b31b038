package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The locks of secured mode, tried on a real secured 3-node cluster: each attempt out of
 * a principal's lane is refused with the specific error and writes nothing, a principal
 * in its lane gets through, and the cluster's ACLs are exactly the declared matrix.
 */
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
		cluster = LocalCluster.startSecured(LocalCluster.Layout.withFreePorts(directory),
				(line) -> System.out.println("[cluster] " + line));
		security = cluster.security().orElseThrow();
		admin = Admin.create(clientConfig(cluster.bootstrapServers(), cluster.adminClientProperties()));
	}

	@AfterAll
	static void stopCluster() {
		if (admin != null) {
			admin.close(Duration.ofSeconds(2));
		}
		if (cluster != null) {
			List<Long> pids = cluster.layout().nodeIds().stream().map(cluster::pid).toList();
			cluster.close();
			assertThat(pids).noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		}
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
		// the client never gets metadata.
		assertRefusedAndNothingWritten(Topics.ORDERS, TimeoutException.class,
				(key) -> send(producer(plaintext, Map.of()), Topics.ORDERS, key));
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
