package com.example.orderflow.demo.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services' HTTP endpoints as the console reads them once a second: asked side by
 * side, each answer awaited at most {@link #TIMEOUT}, so one slow service never holds the
 * page back.
 */
final class ServiceEndpoints {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	/** The JSON that {@code GET uri} answers with a 2xx, or empty. */
	CompletableFuture<Optional<JsonNode>> get(URI uri) {
		HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> (response.statusCode() / 100 == 2) ? parse(response.body())
					: Optional.<JsonNode>empty())
			.exceptionally((failure) -> Optional.empty());
	}

	private static Optional<JsonNode> parse(String body) {
		try {
			return Optional.of(JSON.readTree(body));
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

}
