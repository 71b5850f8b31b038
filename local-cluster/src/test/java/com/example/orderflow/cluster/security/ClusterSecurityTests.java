package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.SecuredMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secrets of a secured cluster, without a cluster: what is made, who may read it,
 * what a service gets, and a principal added later.
 */
class ClusterSecurityTests {

	@TempDir
	Path data;

	@Test
	void madeOnceOwnerOnlyWithoutTheCaKeyAndKeptForTheNextStart() throws IOException {
		List<String> progress = new ArrayList<>();
		ClusterSecurity made = ClusterSecurity.prepare(this.data, progress::add);
		try (Stream<Path> files = Files.list(made.directory())) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("ca.crt",
					"broker.p12", "passwords.properties");
		}
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made.directory())))
			.isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made.keystore())))
			.isEqualTo("rw-------");
		assertThat(Files.readString(made.truststore())).startsWith("-----BEGIN CERTIFICATE-----");
		assertThat(made.allPasswords()).doesNotHaveDuplicates()
			.allSatisfy((password) -> assertThat(password).hasSize(32));
		assertThat(progress).noneMatch((line) -> made.allPasswords().stream().anyMatch(line::contains));

		ClusterSecurity again = ClusterSecurity.prepare(this.data, progress::add);
		assertThat(again.password("orders")).isEqualTo(made.password("orders"));
		assertThat(again.toString()).doesNotContain(made.password("orders"));
	}

	@Test
	void aPrincipalAddedToTheMatrixLaterGetsAPasswordAtTheNextStartAndTheOthersKeepTheirs() throws IOException {
		ClusterSecurity made = ClusterSecurity.prepare(this.data, (line) -> {
		});
		Path passwords = made.directory().resolve("passwords.properties");
		List<String> withoutFraud = Files.readAllLines(passwords, StandardCharsets.ISO_8859_1)
			.stream()
			.filter((line) -> !line.startsWith("fraud="))
			.toList();
		Files.write(passwords, withoutFraud, StandardCharsets.ISO_8859_1);

		List<String> progress = new ArrayList<>();
		ClusterSecurity restarted = ClusterSecurity.prepare(this.data, progress::add);
		assertThat(restarted.password("fraud")).hasSize(32).isNotEqualTo(made.password("fraud"));
		assertThat(restarted.password("orders")).isEqualTo(made.password("orders"));
		assertThat(progress).anyMatch((line) -> line.contains("new principal(s) [fraud]"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwords))).isEqualTo("rw-------");
	}

	@Test
	void aServiceRunsTheSecureProfileWithItsOwnCredentialsInItsEnvironmentNotOnItsCommandLine() {
		ClusterSecurity security = ClusterSecurity.prepare(this.data, (line) -> {
		});
		ServiceProcess.Spec shadow = new ServiceProcess.Spec(Stack.BILLING_V2, Path.of("billing.jar"), 8083,
				List.of("--billing.version=v2"));
		ServiceProcess.Spec secured = security.secured(shadow);
		assertThat(secured.extraArgs()).containsExactly("--billing.version=v2", "--spring.profiles.active=secure");
		assertThat(secured.environment()).containsEntry(SecuredMode.USERNAME_VARIABLE, "billing-v2")
			.containsEntry(SecuredMode.PASSWORD_VARIABLE, security.password("billing-v2"))
			.containsEntry(SecuredMode.TRUSTSTORE_VARIABLE, security.truststore().toAbsolutePath().toString())
			.containsEntry(SecuredMode.COMPARISON_USERNAME_VARIABLE, ClusterSecurity.COMPARISON)
			.containsEntry(SecuredMode.COMPARISON_PASSWORD_VARIABLE, security.password(ClusterSecurity.COMPARISON));
		assertThat(String.join(" ", secured.extraArgs())).doesNotContain(security.password("billing-v2"));
		assertThat(secured.toString()).doesNotContain(security.password("billing-v2"));
	}

}
