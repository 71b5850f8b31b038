package com.example.orderflow.cluster.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * One look at a process's health endpoint: a Spring Boot service's readiness probe or
 * Zipkin's {@code /health}.
 */
public final class HealthProbe {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private HealthProbe() {
	}

	/** Whether the endpoint answers 200 with status UP; false if nothing answers. */
	public static boolean isUp(URI health) {
		return ask(health).map(Answer::up).orElse(false);
	}

	/** What the endpoint answers, or empty if nothing answers within the timeout. */
	public static Optional<Answer> ask(URI health) {
		HttpRequest request = HttpRequest.newBuilder(health).timeout(TIMEOUT).GET().build();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			return Optional.of(new Answer(response.statusCode(), response.body()));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * One answer of a health endpoint.
	 *
	 * @param status the HTTP status
	 * @param body the JSON it sent
	 */
	public record Answer(int status, String body) {

		/** 200 with status UP: what every waiter on a process means by ready. */
		public boolean up() {
			return this.status == 200 && this.body.contains("\"UP\"");
		}

	}

}
