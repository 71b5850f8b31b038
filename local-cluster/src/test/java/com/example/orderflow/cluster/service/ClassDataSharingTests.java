package com.example.orderflow.cluster.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ClassDataSharingTests {

	@TempDir
	Path directory;

	@Test
	void aJarWithoutAnArchiveStartsFromTheJarWithTheServicesFlags() throws Exception {
		Path jar = Files.writeString(this.directory.resolve("some-service.jar"), "not yet archived");

		List<String> launch = ClassDataSharing.launch(jar);

		assertThat(launch).containsExactly("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar",
				jar.toAbsolutePath().toString());
	}

	/**
	 * A thread that runs out of heap while the main thread lives on, as a listener thread
	 * of a service does: with the services' flags the JVM exits with code 3; without
	 * {@code -XX:+ExitOnOutOfMemoryError} it would still be running when the wait ends.
	 */
	@Test
	void aServiceWhoseThreadRunsOutOfHeapExits() throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(ClassDataSharing.JVM_FLAGS);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), OutOfHeapInAThread.class.getName()));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("out-of-heap.log").toFile())
			.start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the JVM exited").isTrue();
			assertThat(process.exitValue()).isEqualTo(3);
			assertThat(this.directory.resolve("out-of-heap.log")).content()
				.contains("Terminating due to java.lang.OutOfMemoryError");
		}
		finally {
			process.destroyForcibly().waitFor();
		}
	}

	/**
	 * Fills the heap from a second thread while the main thread waits for ever, as a
	 * service's main thread does.
	 */
	static final class OutOfHeapInAThread {

		public static void main(String[] args) throws InterruptedException {
			List<byte[]> held = new ArrayList<>();
			Thread filler = new Thread(() -> {
				while (true) {
					held.add(new byte[16 * 1024 * 1024]);
				}
			}, "filler");
			filler.start();
			new CountDownLatch(1).await();
		}

	}

	@Test
	void aJarThatCannotBeTrainedIsSaidAndStillStartsFromTheJar() throws Exception {
		Path jar = Files.writeString(this.directory.resolve("broken-service.jar"), "not a Spring Boot jar");
		List<String> said = new ArrayList<>();

		ClassDataSharing.prepare(List.of(jar), said::add);

		assertThat(said).anyMatch((line) -> line.startsWith("making class-data archives for 1 service jar(s)"))
			.anyMatch(
					(line) -> line.startsWith("no class-data archive for broken-service.jar (it starts without one)"));
		assertThat(ClassDataSharing.launch(jar)).noneMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile"))
			.endsWith("-jar", jar.toAbsolutePath().toString());
		assertThat(this.directory.resolve("cds").resolve("broken-service.jar")).doesNotExist();
		assertThat(this.directory.resolve("cds").resolve("broken-service.jar.training.log")).exists();
	}

}
