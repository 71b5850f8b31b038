package com.example.orderflow.cluster.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A secured cluster started again on its data ({@code ./demo up --secure} twice): the
 * matrix is the truth again, and a principal whose user the cluster lacks (one added to
 * the matrix after the storage was formatted) gets one.
 */
class SecuredClusterRestartTests {

	@TempDir
	Path directory;

	@Test
	void aRestartRemovesAclsTheMatrixDoesNotHaveAndCreatesUsersTheClusterLacks() throws Exception {
		LocalCluster.Layout layout = LocalCluster.Layout.withFreePorts(this.directory);
		AclBinding stray = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.ORDERS, PatternType.LITERAL),
				new AccessControlEntry("User:notification", "*", AclOperation.WRITE, AclPermissionType.ALLOW));
		try (LocalCluster cluster = start(layout); Admin admin = admin(cluster, "admin")) {
			admin.createAcls(List.of(stray)).all().get(30, TimeUnit.SECONDS);
			// As if fraud had been added to the matrix after the format: no user, no
			// password.
			admin
				.alterUserScramCredentials(
						List.of(new UserScramCredentialDeletion("fraud", ScramMechanism.SCRAM_SHA_512)))
				.all()
				.get(30, TimeUnit.SECONDS);
			// The deletion reaches every broker with the next metadata update.
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS))
					.doesNotContainKey("fraud"));
		}
		Path passwords = ClusterSecurity.directory(this.directory).resolve("passwords.properties");
		Files.write(passwords,
				Files.readAllLines(passwords, StandardCharsets.ISO_8859_1)
					.stream()
					.filter((line) -> !line.startsWith("fraud="))
					.toList(),
				StandardCharsets.ISO_8859_1);

		try (LocalCluster cluster = start(layout); Admin admin = admin(cluster, "admin")) {
			// ACLs and users are metadata: each broker has them after its next update.
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				Set<AclBinding> acls = Set
					.copyOf(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
				assertThat(acls).doesNotContain(stray).isEqualTo(AclMatrix.load().bindings());
			});
			// The new password works: fraud may describe its own output topic.
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				try (Admin fraud = admin(cluster, "fraud")) {
					assertThat(fraud.describeTopics(List.of(Topics.FRAUD_DECISIONS))
						.allTopicNames()
						.get(30, TimeUnit.SECONDS)).containsKey(Topics.FRAUD_DECISIONS);
				}
			});
		}
	}

	private static LocalCluster start(LocalCluster.Layout layout) {
		return LocalCluster.startSecured(layout, (line) -> System.out.println("[cluster] " + line));
	}

	private static Admin admin(LocalCluster cluster, String principal) {
		Map<String, Object> config = new HashMap<>(cluster.security().orElseThrow().clientProperties(principal));
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
		return Admin.create(config);
	}

}
