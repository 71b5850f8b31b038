package com.example.orderflow.demo.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.example.orderflow.cluster.security.ClusterSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands whose checks use plaintext clients say so on secured data instead of failing
 * half-way.
 */
class SecuredDemoTests {

	@TempDir
	Path data;

	@Test
	void aCommandWithPlaintextChecksRefusesSecuredDataAndSaysWhatSecuredModeHas() throws IOException {
		Files.createDirectories(ClusterSecurity.directory(this.data));
		Files.writeString(ClusterSecurity.directory(this.data).resolve("passwords.properties"), "admin=x\n");
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		int exitCode = new Demo(DemoOptions.parse("orders", "3", "--data", this.data.toString()),
				new PrintStream(printed, true, StandardCharsets.UTF_8))
			.run();
		assertThat(exitCode).isEqualTo(2);
		assertThat(printed.toString(StandardCharsets.UTF_8)).contains("not available in secured mode")
			.contains("up, cluster, status, down and clean");
	}

	@Test
	void theTourIsRefusedWithSecure() {
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		int exitCode = new Demo(DemoOptions.parse("up", "--tour", "--secure", "--data", this.data.toString()),
				new PrintStream(printed, true, StandardCharsets.UTF_8))
			.run();
		assertThat(exitCode).isEqualTo(2);
		assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--tour is not available in secured mode");
	}

}
