package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * How a {@code ./demo} command in another shell asks the running {@code ./demo up} to
 * kill, stop or start a broker, or to scale a service: a request file in
 * {@code <data>/control}, answered by a response file. The launcher acts itself, so every
 * process stays its child: watched, and stopped by Ctrl-C or {@code ./demo down}.
 */
public final class ControlChannel {

	private static final Duration POLL = Duration.ofMillis(200);

	private static final String REQUEST = ".request";

	private static final String RESPONSE = ".response";

	private static final String OK = "ok";

	private ControlChannel() {
	}

	/**
	 * Answers requests in {@code directory} on a daemon thread until the JVM ends or the
	 * returned handle is closed.
	 */
	public static AutoCloseable serve(Path directory, SystemProcesses processes, Consumer<String> progress) {
		try {
			Files.createDirectories(directory);
			try (Stream<Path> stale = Files.list(directory)) {
				for (Path file : stale.toList()) {
					Files.deleteIfExists(file);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not prepare " + directory, ex);
		}
		Thread thread = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				try (Stream<Path> files = Files.list(directory)) {
					for (Path request : files.filter((file) -> file.toString().endsWith(REQUEST)).sorted().toList()) {
						answer(request, processes, progress);
					}
				}
				catch (IOException | RuntimeException ex) {
					progress.accept("control channel: " + ex.getMessage());
				}
				try {
					Thread.sleep(POLL.toMillis());
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "demo-control");
		thread.setDaemon(true);
		thread.start();
		return () -> {
			thread.interrupt();
			thread.join(POLL.toMillis() * 10);
		};
	}

	private static void answer(Path request, SystemProcesses processes, Consumer<String> progress) throws IOException {
		String line = Files.readString(request, StandardCharsets.UTF_8).trim();
		Files.delete(request);
		List<String> answer = new ArrayList<>();
		try {
			progress.accept("asked from another shell: " + line);
			answer.add(OK);
			answer.addAll(execute(line, processes));
		}
		catch (RuntimeException ex) {
			answer.clear();
			answer.add("error " + ex.getMessage());
		}
		String name = request.getFileName().toString();
		Path response = request.resolveSibling(name.substring(0, name.length() - REQUEST.length()) + RESPONSE);
		writeAtomically(response, String.join("\n", answer));
	}

	/**
	 * Does what one request asks ({@code scale fraud-service 3}, {@code kill-broker 2},
	 * ...): the vocabulary that {@link #client} speaks and the console's actions use.
	 * @return the answer's lines
	 */
	public static List<String> execute(String request, SystemProcesses processes) {
		String[] words = request.trim().split("\\s+");
		String command = words[0];
		String argument = (words.length > 1) ? words[1] : "";
		switch (command) {
			case "kill-broker" -> processes.killBroker(Integer.parseInt(argument));
			case "stop-broker" -> processes.stopBroker(Integer.parseInt(argument));
			case "start-broker" -> processes.startBroker(Integer.parseInt(argument));
			case "kill-instance" -> processes.killInstance(argument);
			case "kill-and-restart" -> {
				return List.of(Double.toString(processes.killAndRestart(argument)));
			}
			case "instances" -> {
				return processes.instances(argument);
			}
			case "scale" -> {
				return processes.scale(argument, Integer.parseInt(words[2]));
			}
			case "uri" -> {
				return List.of(processes.serviceUri(argument).toString());
			}
			default -> throw new IllegalArgumentException("Unknown request " + String.join(" ", words));
		}
		return List.of();
	}

	/**
	 * The processes of the {@code ./demo up} that serves {@code directory}.
	 * @param defaultUris the URIs of the default service instances, by name
	 */
	public static SystemProcesses client(Path directory, Map<String, Object> clientProperties,
			Function<String, URI> defaultUris, Duration timeout) {
		return new SystemProcesses() {

			@Override
			public Map<String, Object> clientProperties() {
				return clientProperties;
			}

			@Override
			public URI serviceUri(String instance) {
				URI known = defaultUris.apply(instance);
				return (known != null) ? known : URI.create(ask("uri " + instance).get(0));
			}

			@Override
			public void killBroker(int node) {
				ask("kill-broker " + node);
			}

			@Override
			public void stopBroker(int node) {
				ask("stop-broker " + node);
			}

			@Override
			public void startBroker(int node) {
				ask("start-broker " + node);
			}

			@Override
			public List<String> instances(String service) {
				return ask("instances " + service);
			}

			@Override
			public List<String> scale(String service, int count) {
				return ask("scale " + service + " " + count);
			}

			@Override
			public void killInstance(String instance) {
				ask("kill-instance " + instance);
			}

			@Override
			public double killAndRestart(String instance) {
				return Double.parseDouble(ask("kill-and-restart " + instance).get(0));
			}

			private List<String> ask(String line) {
				if (!Files.isDirectory(directory)) {
					throw new IllegalStateException(
							"No ./demo up serves " + directory + ": start the system with ./demo up first");
				}
				String id = System.currentTimeMillis() + "-" + UUID.randomUUID().toString().substring(0, 8);
				Path response = directory.resolve(id + RESPONSE);
				writeAtomically(directory.resolve(id + REQUEST), line);
				long deadline = System.nanoTime() + timeout.toNanos();
				while (!Files.exists(response)) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("./demo up did not answer '" + line + "' within " + timeout
								+ ": is it running with data in " + directory.getParent() + "?");
					}
					ClusterChecks.pause(POLL);
				}
				try {
					List<String> answer = Arrays.asList(Files.readString(response, StandardCharsets.UTF_8).split("\n"));
					Files.delete(response);
					if (!answer.get(0).equals(OK)) {
						throw new IllegalStateException(answer.get(0).replaceFirst("^error ", ""));
					}
					return answer.subList(1, answer.size()).stream().filter((entry) -> !entry.isBlank()).toList();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		};
	}

	private static void writeAtomically(Path file, String content) {
		try {
			Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + file, ex);
		}
	}

}
