package com.example.orderflow.cluster.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The PID of a process this launcher started, with the instant it started. The start
 * instant is what makes {@code ./demo down} safe: a PID the operating system has since
 * given to another program does not match it, so it is never signalled.
 *
 * @param path the file, {@code <pids>/<name>.pid}
 */
public record PidFile(Path path) {

	private static final String SUFFIX = ".pid";

	/** Start instants from /proc are rounded to clock ticks: allow for that. */
	private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

	public static PidFile of(Path directory, String name) {
		return new PidFile(directory.resolve(name + SUFFIX));
	}

	/** Every PID file in a directory, by name. */
	public static List<PidFile> in(Path directory) {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (var files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(SUFFIX))
				.sorted()
				.map(PidFile::new)
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The name the file was written under, {@code orders} for {@code orders.pid}. */
	public String name() {
		String file = this.path.getFileName().toString();
		return file.substring(0, file.length() - SUFFIX.length());
	}

	public void write(ProcessHandle process) {
		String started = process.info().startInstant().map(Instant::toString).orElse("");
		try {
			Files.createDirectories(this.path.getParent());
			Files.writeString(this.path, process.pid() + "\n" + started + "\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + this.path, ex);
		}
	}

	/**
	 * The process this file names, if it is still the one that was started: alive, and
	 * started at the recorded instant.
	 */
	public Optional<ProcessHandle> liveProcess() {
		List<String> lines;
		try {
			lines = Files.readAllLines(this.path, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		if (lines.isEmpty() || lines.get(0).isBlank()) {
			return Optional.empty();
		}
		long pid;
		try {
			pid = Long.parseLong(lines.get(0).trim());
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
		Optional<Instant> recordedStart = (lines.size() > 1 && !lines.get(1).isBlank())
				? Optional.of(Instant.parse(lines.get(1).trim())) : Optional.empty();
		return ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.filter((process) -> sameStart(recordedStart, process.info().startInstant()));
	}

	private static boolean sameStart(Optional<Instant> recorded, Optional<Instant> actual) {
		if (recorded.isEmpty() || actual.isEmpty()) {
			// Without start instants (not every platform has them) the PID is all we
			// know.
			return true;
		}
		return Duration.between(recorded.get(), actual.get()).abs().compareTo(START_TOLERANCE) <= 0;
	}

	public void delete() {
		try {
			Files.deleteIfExists(this.path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + this.path, ex);
		}
	}

}
