package com.example.orderflow.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ParentWatchTests {

	private Process launcher;

	private Process child;

	@Test
	void childEndsWhenItsLauncherIsKilled() throws Exception {
		// Any process will do as the launcher: what counts is that it disappears.
		this.launcher = new ProcessBuilder("sleep", "300").start();
		this.child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ParentWatch.class.getName(), Long.toString(this.launcher.pid()),
				RunsUntilStopped.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(this.child::isAlive);

		this.launcher.destroyForcibly();

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.child.isAlive());
		assertThat(this.child.exitValue()).isZero();
	}

	@Test
	void childDoesNotStartWhenItsLauncherIsAlreadyGone() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		this.child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ParentWatch.class.getName(), Long.toString(gone.pid()),
				RunsUntilStopped.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> !this.child.isAlive());
		assertThat(this.child.exitValue()).isEqualTo(1);
	}

	@AfterEach
	void stopWhateverIsLeft() {
		if (this.launcher != null) {
			this.launcher.destroyForcibly();
		}
		if (this.child != null) {
			this.child.destroyForcibly();
		}
	}

	/** Stands in for a broker: runs until its JVM is told to stop. */
	public static final class RunsUntilStopped {

		private RunsUntilStopped() {
		}

		public static void main(String[] args) throws InterruptedException {
			new CountDownLatch(1).await();
		}

	}

}
