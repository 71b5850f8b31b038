package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Shell taken from a container's command in {@code docker-compose.secure.yml}, run here
 * with bash as the container would run it: the text of the file, not a copy, so that a
 * fault in the file is a fault here.
 */
final class ComposeScript {

	/** Relative to the module: tests run in {@code local-cluster/}. */
	static final Path SECURE_COMPOSE_FILE = Path.of("..", "docker-compose.secure.yml");

	private final String text;

	private ComposeScript(String text) {
		this.text = text;
	}

	/**
	 * The script a service's container hands to {@code bash -c}: the first element of its
	 * {@code command}, with compose's {@code $$} read as {@code $}.
	 */
	static ComposeScript commandOf(String service) {
		Map<String, Object> compose;
		try (Reader reader = Files.newBufferedReader(SECURE_COMPOSE_FILE, StandardCharsets.UTF_8)) {
			compose = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + SECURE_COMPOSE_FILE.toAbsolutePath(), ex);
		}
		Map<?, ?> container = (Map<?, ?>) ((Map<?, ?>) compose.get("services")).get(service);
		if (container == null || !(container.get("command") instanceof List<?> command) || command.isEmpty()) {
			throw new IllegalStateException("No command for " + service + " in " + SECURE_COMPOSE_FILE);
		}
		return new ComposeScript(interpolated(String.valueOf(command.get(0))));
	}

	/**
	 * What compose makes of the text: {@code $$} is a literal {@code $}. A variable of
	 * compose's own ({@code $NAME}, {@code ${NAME}}) would be filled from the host's
	 * environment, which these scripts never mean to do: refused.
	 */
	static String interpolated(String text) {
		StringBuilder script = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '$') {
				script.append(c);
			}
			else if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
				script.append('$');
				i++;
			}
			else if (i + 1 < text.length() && (text.charAt(i + 1) == '{' || Character.isLetter(text.charAt(i + 1))
					|| text.charAt(i + 1) == '_')) {
				throw new IllegalStateException("compose would fill in "
						+ text.substring(i, Math.min(text.length(), i + 20)) + "... from the host's environment");
			}
			else {
				script.append(c);
			}
		}
		return script.toString();
	}

	/**
	 * The {@code for} loop that contains the first line with {@code marker}: from the
	 * nearest {@code for} line above it, indented less, to the {@code done} at the
	 * {@code for}'s indentation.
	 */
	String loopContaining(String marker) {
		List<String> lines = this.text.lines().toList();
		int markerLine = indexOf(lines, 0, (line) -> line.contains(marker), marker);
		int start = markerLine;
		while (start >= 0 && !(lines.get(start).strip().startsWith("for ")
				&& indent(lines.get(start)) < indent(lines.get(markerLine)))) {
			start--;
		}
		if (start < 0) {
			throw new IllegalStateException("No for loop around \"" + marker + "\" in:\n" + this.text);
		}
		int forIndent = indent(lines.get(start));
		int end = indexOf(lines, markerLine, (line) -> line.strip().equals("done") && indent(line) == forIndent,
				"done of the loop around " + marker);
		return String.join("\n", lines.subList(start, end + 1));
	}

	/** A one-line shell function's definition: {@code name() { ...; }}. */
	String function(String name) {
		List<String> lines = this.text.lines().toList();
		String definition = lines
			.get(indexOf(lines, 0, (line) -> line.strip().startsWith(name + "() {"), "function " + name))
			.strip();
		if (!definition.endsWith("}")) {
			throw new IllegalStateException("Not a one-line function: " + definition);
		}
		return definition;
	}

	/** The script's options line, {@code set -euo pipefail}. */
	String options() {
		List<String> lines = this.text.lines().toList();
		return lines.get(indexOf(lines, 0, (line) -> line.strip().startsWith("set -"), "set -...")).strip();
	}

	/**
	 * Runs shell with bash in a directory, each mount's path in the container (longest
	 * first) replaced by its path on this machine, as the container's volumes would place
	 * them.
	 * @return what it printed, with its exit code
	 */
	static Result run(String shell, Map<String, Path> mounts, Path workingDirectory, Map<String, String> environment) {
		String script = shell;
		for (String inContainer : mounts.keySet()
			.stream()
			.sorted(Comparator.comparingInt(String::length).reversed())
			.toList()) {
			script = script.replace(inContainer, mounts.get(inContainer).toAbsolutePath().toString());
		}
		Path output = null;
		try {
			output = Files.createTempFile("compose-script-", ".log");
			ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(workingDirectory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile());
			builder.environment().putAll(environment);
			Process process = builder.start();
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IllegalStateException("Still running after 2 minutes:\n" + script);
			}
			return new Result(process.exitValue(), Files.readString(output));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			deleteIfExists(output);
		}
	}

	private static void deleteIfExists(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private static int indexOf(List<String> lines, int from, Predicate<String> test, String what) {
		for (int i = from; i < lines.size(); i++) {
			if (test.test(lines.get(i))) {
				return i;
			}
		}
		throw new IllegalStateException("No " + what + " in the command of " + SECURE_COMPOSE_FILE);
	}

	private static int indent(String line) {
		return line.length() - line.stripLeading().length();
	}

	record Result(int exitCode, String output) {

	}

}
