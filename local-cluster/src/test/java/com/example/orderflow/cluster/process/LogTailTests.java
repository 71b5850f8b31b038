package com.example.orderflow.cluster.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kafka node's log is appended to by every launch: whether this run's broker has shut
 * down must not be read from an earlier run's lines ({@code LocalCluster.close} kills the
 * last node once it has).
 */
class LogTailTests {

	private static final String DONE = "[BrokerServer id=2] shut down completed";

	@TempDir
	Path directory;

	@Test
	void aLineOfAnEarlierRunIsNotThisRunsButOneWrittenSinceIs() throws Exception {
		Path log = this.directory.resolve("kafka-node-2.log");
		Files.writeString(log, "[2026-12-06 15:01:04,390] INFO " + DONE + "\n");
		long launched = LogTail.length(log);
		Files.writeString(log, "[2026-12-06 15:02:00,000] INFO starting\n", StandardOpenOption.APPEND);

		assertThat(LogTail.contains(log, 0, DONE)).as("from the log's start").isTrue();
		assertThat(LogTail.contains(log, launched, DONE)).as("since the launch").isFalse();

		Files.writeString(log, "[2026-12-06 15:03:00,000] INFO " + DONE + "\n", StandardOpenOption.APPEND);
		assertThat(LogTail.contains(log, launched, DONE)).isTrue();
	}

	@Test
	void aLogThatRolledOverSinceTheLaunchIsReadFromItsStartAndNoLogHoldsNothing() throws Exception {
		Path log = this.directory.resolve("kafka-node-1.log");
		assertThat(LogTail.length(log)).isZero();
		assertThat(LogTail.contains(log, 0, DONE)).isFalse();

		Files.writeString(log, DONE + "\n");
		assertThat(LogTail.contains(log, 1_000_000, DONE)).isTrue();
	}

}
