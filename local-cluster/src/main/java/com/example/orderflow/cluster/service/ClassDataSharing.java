package com.example.orderflow.cluster.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.example.orderflow.cluster.process.LogTail;

/**
 * Starts a service from a class-data sharing (CDS) archive: its Spring Boot jar extracted
 * beside it ({@code <module>/target/cds/}) and the classes one training start loaded,
 * mapped from {@code app.jsa} instead of read, verified and parsed again. Seven services
 * starting at once on two cores are bound by that work; the archive takes about a third
 * off each start (README, "Benchmark").
 * <p>
 * The archive is made once per jar and JVM (a training start that exits when the
 * application context is refreshed, before any listener connects) and made again when
 * either changes. Anything that fails here falls back to {@code java -jar <jar>}: CDS
 * makes a start faster, never possible.
 */
public final class ClassDataSharing {

	/**
	 * The JVM flags of every service, in training and in use: the archive needs both
	 * alike.
	 */
	static final List<String> JVM_FLAGS = List.of("-Xmx256m",
			// C1 only: a service is ready seconds sooner, and the demo never runs long
			// enough for C2 to pay off.
			"-XX:TieredStopAtLevel=1",
			// A service out of heap is better dead than limping: one whose listener
			// threads died of it kept its HTTP port and its place in the groups while
			// consuming nothing (billing-v2, 2026-12-03, before the comparison's memory
			// was bounded).
			"-XX:+ExitOnOutOfMemoryError");

	/**
	 * The environment variable that turns it off: {@code ORDERFLOW_CDS=off ./demo up}.
	 */
	static final String SWITCH = "ORDERFLOW_CDS";

	private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);

	private ClassDataSharing() {
	}

	static boolean isEnabled() {
		return !"off".equalsIgnoreCase(System.getenv(SWITCH));
	}

	/**
	 * What to put after {@code java} to run a service jar: its archive and extracted jar
	 * when they are ready for this jar and JVM, else the jar itself.
	 */
	static List<String> launch(Path jar) {
		List<String> command = new ArrayList<>(JVM_FLAGS);
		Optional<Archive> archive = Archive.of(jar).filter((candidate) -> isEnabled() && candidate.isCurrent());
		if (archive.isPresent()) {
			command.add("-XX:SharedArchiveFile=" + archive.get().file());
			command.add("-jar");
			command.add(archive.get().extractedJar().toString());
		}
		else {
			command.add("-jar");
			command.add(jar.toAbsolutePath().toString());
		}
		return command;
	}

	/**
	 * {@link #prepare} on a thread of its own, returning at once: the training starts
	 * need no cluster, so they can run while one starts (on the first start after a
	 * build, the archives took 38 s and the cluster 12 s of it). Join it before the
	 * services start, or they start without archives.
	 */
	public static CompletableFuture<Void> prepareMeanwhile(Collection<Path> jars, Consumer<String> progress) {
		return CompletableFuture.runAsync(() -> prepare(jars, progress), (task) -> {
			Thread thread = new Thread(task, "cds-prepare");
			thread.setDaemon(true);
			thread.start();
		});
	}

	/**
	 * Makes the archive of every jar that has none for this JVM yet (all at once), saying
	 * so; returns when all are made or have failed.
	 */
	public static void prepare(Collection<Path> jars, Consumer<String> progress) {
		if (!isEnabled()) {
			progress.accept("class-data sharing off (" + SWITCH + "=off): services start from their jars");
			return;
		}
		List<Archive> stale = new ArrayList<>();
		for (Path jar : new LinkedHashSet<>(jars)) {
			Archive.of(jar).filter((archive) -> !archive.isCurrent()).ifPresent(stale::add);
		}
		if (stale.isEmpty()) {
			return;
		}
		long started = System.nanoTime();
		progress.accept("making class-data archives for %d service jar(s), once per build: %s".formatted(stale.size(),
				stale.stream().map((archive) -> archive.jar().getFileName().toString()).toList()));
		List<Thread> trainings = new ArrayList<>();
		for (Archive archive : stale) {
			Thread training = new Thread(() -> {
				try {
					archive.make();
				}
				catch (RuntimeException ex) {
					progress.accept("no class-data archive for %s (it starts without one): %s"
						.formatted(archive.jar().getFileName(), ex.getMessage()));
				}
			}, "cds-" + archive.jar().getFileName());
			training.start();
			trainings.add(training);
		}
		for (Thread training : trainings) {
			try {
				training.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
		progress.accept("class-data archives made in %.1f s".formatted((System.nanoTime() - started) / 1e9));
	}

	/**
	 * One jar's archive: {@code <jar's folder>/cds/<jar name>/} holds the extracted jar,
	 * {@code app.jsa} and {@code made-for}, which names the jar's size and time and the
	 * JVM it was made for.
	 */
	private record Archive(Path jar, Path directory) {

		static Optional<Archive> of(Path jar) {
			if (!Files.isRegularFile(jar)) {
				return Optional.empty();
			}
			Path absolute = jar.toAbsolutePath();
			return Optional
				.of(new Archive(absolute, absolute.resolveSibling("cds").resolve(absolute.getFileName().toString())));
		}

		Path file() {
			return this.directory.resolve("app.jsa");
		}

		Path extractedJar() {
			return this.directory.resolve("extracted").resolve(this.jar.getFileName());
		}

		private Path stamp() {
			return this.directory.resolve("made-for");
		}

		/** The jar's size and time and this JVM: an archive works only for both. */
		private String identity() {
			try {
				return "%s %d %d %s %s".formatted(this.jar.getFileName(), Files.size(this.jar),
						Files.getLastModifiedTime(this.jar).toMillis(), System.getProperty("java.home"),
						System.getProperty("java.vm.version"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		boolean isCurrent() {
			try {
				return Files.isRegularFile(file()) && Files.isRegularFile(extractedJar())
						&& Files.isRegularFile(stamp())
						&& Files.readString(stamp(), StandardCharsets.UTF_8).equals(identity());
			}
			catch (IOException | UncheckedIOException ex) {
				return false;
			}
		}

		/**
		 * Extracts the jar and runs one training start into a folder of its own, then
		 * moves the result in place, so two launchers making the same archive never see
		 * half of one.
		 */
		void make() {
			Path work = this.directory
				.resolveSibling(this.directory.getFileName() + ".making-" + ProcessHandle.current().pid());
			try {
				deleteRecursively(work);
				Files.createDirectories(work);
				// Beside the archive, not in it: kept when the training fails.
				Path log = this.directory.resolveSibling(this.directory.getFileName() + ".training.log");
				Files.deleteIfExists(log);
				run(List.of(java(), "-Djarmode=tools", "-jar", this.jar.toString(), "extract", "--destination",
						work.resolve("extracted").toString()), log);
				List<String> training = new ArrayList<>();
				training.add(java());
				training.addAll(JVM_FLAGS);
				training.add("-XX:ArchiveClassesAtExit=" + work.resolve("app.jsa"));
				training.add("-Xlog:cds=off");
				// Exit once the context is refreshed: before any listener, web server or
				// runner starts, so no cluster is needed.
				training.add("-Dspring.context.exit=onRefresh");
				training.addAll(List.of("-jar", work.resolve("extracted").resolve(this.jar.getFileName()).toString(),
						"--spring.kafka.admin.auto-create=false", "--server.port=0",
						"--orderflow.parent-pid=" + ProcessHandle.current().pid()));
				run(training, log);
				if (!Files.isRegularFile(work.resolve("app.jsa"))) {
					throw new IllegalStateException("the training start wrote no archive; see " + log);
				}
				Files.writeString(work.resolve("made-for"), identity(), StandardCharsets.UTF_8);
				Files.deleteIfExists(log);
				deleteRecursively(this.directory);
				try {
					Files.move(work, this.directory, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(work, this.directory);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				try {
					deleteRecursively(work);
				}
				catch (IOException ex) {
					// Left behind: the next making starts by deleting it.
				}
			}
		}

		private static void run(List<String> command, Path log) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
					.start();
				if (!process.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException("took longer than " + TRAINING_TIMEOUT + ": " + command);
				}
				if (process.exitValue() != 0) {
					throw new IllegalStateException(
							"exit code " + process.exitValue() + " from " + command + ":\n" + LogTail.of(log, 10));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

		private static void deleteRecursively(Path path) throws IOException {
			if (!Files.exists(path)) {
				return;
			}
			try (Stream<Path> paths = Files.walk(path)) {
				for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(each);
				}
			}
		}

		private static String java() {
			return Path.of(System.getProperty("java.home"), "bin", "java").toString();
		}

	}

}
