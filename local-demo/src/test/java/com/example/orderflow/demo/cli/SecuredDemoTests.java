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
 * The tour, not run against a secured system yet, says so on secured data instead of
 * failing half-way. Every other command runs secured (system-tests'
 * {@code DemoCommandsSystemTest}).
 */
class SecuredDemoTests {

	@TempDir
	Path data;

	@Test
	void theTourRefusesSecuredDataAndSaysThatEveryOtherCommandRuns() throws IOException {
		Files.createDirectories(ClusterSecurity.directory(this.data));
		Files.writeString(ClusterSecurity.directory(this.data).resolve("passwords.properties"), "admin=x\n");
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		int exitCode = new Demo(DemoOptions.parse("tour", "--data", this.data.toString()),
				new PrintStream(printed, true, StandardCharsets.UTF_8))
			.run();
		assertThat(exitCode).isEqualTo(2);
		assertThat(printed.toString(StandardCharsets.UTF_8)).contains("not available in secured mode")
			.contains("Every other command is");
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
