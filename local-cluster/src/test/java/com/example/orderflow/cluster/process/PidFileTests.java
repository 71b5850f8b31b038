package com.example.orderflow.cluster.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class PidFileTests {

	@TempDir
	Path pids;

	@Test
	void findsTheProcessItWasWrittenFor() {
		PidFile file = PidFile.of(this.pids, "launcher");
		file.write(ProcessHandle.current());

		assertThat(file.name()).isEqualTo("launcher");
		assertThat(file.liveProcess()).contains(ProcessHandle.current());
		assertThat(PidFile.in(this.pids)).containsExactly(file);
	}

	@Test
	void ignoresAPidThatNowBelongsToAProcessStartedAtAnotherTime() throws Exception {
		Instant otherStart = ProcessHandle.current().info().startInstant().orElseThrow().minus(Duration.ofHours(1));
		PidFile file = PidFile.of(this.pids, "orders-service");
		Files.writeString(file.path(), ProcessHandle.current().pid() + "\n" + otherStart + "\n");

		assertThat(file.liveProcess()).isEmpty();
	}

	@Test
	void ignoresAProcessThatHasExited() throws Exception {
		Process gone = new ProcessBuilder(javaExecutable(), "-version").start();
		PidFile file = PidFile.of(this.pids, "kafka-node-1");
		file.write(gone.toHandle());
		gone.waitFor();

		assertThat(file.liveProcess()).isEmpty();
	}

	@Test
	void deletingTwiceIsFine() {
		PidFile file = PidFile.of(this.pids, "launcher");
		file.write(ProcessHandle.current());
		file.delete();
		file.delete();

		assertThat(Files.exists(file.path())).isFalse();
		assertThat(file.liveProcess()).isEmpty();
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
