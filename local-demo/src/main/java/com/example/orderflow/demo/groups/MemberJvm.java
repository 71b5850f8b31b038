package com.example.orderflow.demo.groups;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.example.orderflow.cluster.ParentWatch;
import com.example.orderflow.cluster.process.LogTail;
import com.example.orderflow.cluster.process.Termination;

/**
 * A JVM of this one's classpath that runs one main class of group members, as a child
 * that cannot outlive this JVM ({@link ParentWatch}). The Kafka client settings, with a
 * secured cluster's password, go in a file only its owner reads, never on the command
 * line. Its output goes to {@code <name>.log} in a folder of its own.
 */
public final class MemberJvm implements AutoCloseable {

	private static final Duration STOP_GRACE = Duration.ofSeconds(10);

	private final String name;

	private final Process process;

	private final Path folder;

	private MemberJvm(String name, Process process, Path folder) {
		this.name = name;
		this.process = process;
		this.folder = folder;
	}

	/**
	 * @param name what the process is called in logs and reports
	 * @param main the class whose {@code main(String[])} runs, its first argument the
	 * client settings' file
	 * @param client how to reach the cluster
	 * @param arguments the main class's other arguments
	 */
	public static MemberJvm start(String name, Class<?> main, Map<String, Object> client, List<String> arguments) {
		try {
			Path folder = Files.createTempDirectory("orderflow-" + name + "-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			Path settings = folder.resolve("client.properties");
			Properties properties = new Properties();
			client.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
			try (Writer writer = Files.newBufferedWriter(settings, StandardCharsets.UTF_8)) {
				properties.store(writer, "Kafka client settings of " + name);
			}
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.add("-Xmx128m");
			command.add("-XX:TieredStopAtLevel=1");
			command.add("-XX:+UseSerialGC");
			command.add("-Djava.awt.headless=true");
			command.add(ParentWatch.class.getName());
			command.add(Long.toString(ProcessHandle.current().pid()));
			command.add(main.getName());
			command.add(settings.toString());
			command.addAll(arguments);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(folder.resolve(name + ".log").toFile());
			// Through the environment, not -cp: the launcher's classpath is long.
			builder.environment().put("CLASSPATH", ParentWatch.childClasspath());
			return new MemberJvm(name, builder.start(), folder);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
	}

	/**
	 * In the member JVM: the client settings that {@link #start} wrote to the file named
	 * by its first argument.
	 */
	public static Map<String, Object> clientSettings(Path file) throws IOException {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			properties.load(reader);
		}
		Map<String, Object> settings = new HashMap<>();
		properties.forEach((key, value) -> settings.put((String) key, value));
		return settings;
	}

	public String name() {
		return this.name;
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isRunning() {
		return this.process.isAlive();
	}

	/** Writes a line to its standard input. */
	public void tell(String line) {
		try {
			this.process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.process.getOutputStream().flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not tell " + this.name + " '" + line + "'", ex);
		}
	}

	/** Its output so far. */
	public List<String> log() {
		try {
			return Files.readAllLines(this.folder.resolve(this.name + ".log"), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/** The end of its output, for a report of what went wrong. */
	public String logTail(int lines) {
		return LogTail.of(this.folder.resolve(this.name + ".log"), lines);
	}

	/**
	 * {@code kill -9}: its members neither leave their group nor finish what they hold.
	 */
	public void kill() {
		Termination.kill(this.process);
	}

	/** SIGTERM (its members close and leave their group), then its folder is removed. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			Termination.together(List.of(this.process.toHandle()), STOP_GRACE);
		}
		try (var files = Files.walk(this.folder)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A leftover temporary folder is not worth failing a drill for.
		}
	}

}
