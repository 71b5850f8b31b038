package com.example.orderflow.cluster.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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
		HttpRequest request = HttpRequest.newBuilder(health).timeout(TIMEOUT).GET().build();
		try {
			HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == 200 && response.body().contains("\"UP\"");
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
