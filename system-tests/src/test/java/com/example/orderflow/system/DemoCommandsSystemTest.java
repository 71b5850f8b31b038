package com.example.orderflow.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.demo.cli.Demo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./demo}'s commands against the running secured system, each as the script runs
 * it: local-demo's {@link Demo} in a JVM of its own, pointed at this system by the
 * options a user gives to reach a demo on other ports. They find secured mode's secrets
 * in the data folder and reach the cluster as its admin principal (the launcher's log, in
 * the system's log folder, is scanned with the others: no refusal, no secret).
 */
@SharedSystem
class DemoCommandsSystemTest {

	private static final long COMMAND_TIMEOUT_SECONDS = 180;

	private RunningSystem system;

	@BeforeEach
	void useTheSharedSystem(RunningSystem shared) {
		this.system = shared;
	}

	@Test
	void statusShowsTheSecuredClusterItsGroupsAndEveryServiceReady() throws Exception {
		Result status = demo("status");
		assertThat(status.exitCode()).as(status.output()).isZero();
		assertThat(status.output()).contains("Secured: SASL_SSL (SCRAM-SHA-512)")
			.contains("active controller")
			.contains("billing-service")
			.doesNotContain("not answering");
	}

	@Test
	void ordersPlacesSampleOrdersAndReadsEveryGroupsResultsAsTheAdmin() throws Exception {
		Result orders = demo("orders", "3");
		assertThat(orders.exitCode()).as(orders.output()).isZero();
		assertThat(orders.output()).contains("15 of 15 (order, group) pairs answered");
	}

	/**
	 * Through the control channel, as from a second shell beside {@code ./demo up}: the
	 * launcher (here the test's system) starts the instance, and takes it away again.
	 */
	@Test
	void scaleStartsAndStopsAnInstanceThroughTheLaunchersControlChannel() throws Exception {
		Result up = demo("scale", "fraud-service", "2");
		assertThat(up.exitCode()).as(up.output()).isZero();
		assertThat(up.output()).contains("Stable, 2 member(s) reading orders");
		Result down = demo("scale", "fraud-service", "1");
		assertThat(down.exitCode()).as(down.output()).isZero();
		assertThat(down.output()).contains("Stable, 1 member(s) reading orders");
	}

	@Test
	void loadSendsOrdersToEveryOrdersInstanceTheLauncherNames() throws Exception {
		Result load = demo("load", "--rate", "4", "--duration", "3s");
		assertThat(load.exitCode()).as(load.output()).isZero();
		assertThat(load.output()).containsPattern("\\d+ acknowledged \\(201\\), 0 refused").contains("0 errors");
	}

	private Result demo(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), Demo.class.getName()));
		line.addAll(List.of(command));
		line.addAll(this.system.demoOptions());
		// To a file, not a pipe: a command that hangs must not hang the test past its
		// timeout.
		Path log = Files.createTempFile("demo-command-", ".log");
		try {
			Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			boolean ended = process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			if (!ended) {
				process.destroyForcibly().waitFor();
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			System.out.print(output);
			assertThat(ended)
				.as("./demo %s ended within %d s: %s", String.join(" ", command), COMMAND_TIMEOUT_SECONDS, output)
				.isTrue();
			return new Result(process.exitValue(), output);
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private record Result(int exitCode, String output) {

	}

}
