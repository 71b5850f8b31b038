package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drills' last step reads each instance's readiness probe: here a real HTTP server
 * answers with the bodies a consumer service's probe gives (the shape
 * {@code KafkaObservabilityTests} checks on a real service), so the check is seen to fail
 * and to name what does not consume.
 */
class ServicesReadyTests {

	private HttpServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void anInstanceThatAnswersUpIsReady() throws IOException {
		URI service = serve(200, "{\"status\":\"UP\",\"components\":{\"readinessState\":{\"status\":\"UP\"}}}");
		assertThat(ServicesReady.whyNotReady(service)).isNull();
	}

	@Test
	void aStoppedContainerIsNamedWithTheStatus() throws IOException {
		URI service = serve(503, """
				{"status":"DOWN","components":{"kafkaListeners":{"status":"DOWN","details":{"containers":[
				{"id":"org.springframework.kafka.KafkaListenerEndpointContainer#0","group":"notification-service",
				 "state":"failed","running":false,"autoStartup":true,"assignedPartitions":[]},
				{"id":"org.springframework.kafka.KafkaListenerEndpointContainer#1","group":"notification-service",
				 "state":"consuming","running":true,"autoStartup":true,"assignedPartitions":["orders-0"]}]}},
				"readinessState":{"status":"UP"}}}""");
		assertThat(ServicesReady.whyNotReady(service))
			.isEqualTo("DOWN (listener containers org.springframework.kafka.KafkaListenerEndpointContainer#0 failed)");
	}

	@Test
	void anInstanceThatDoesNotAnswerIsNotReady() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		assertThat(ServicesReady.whyNotReady(URI.create("http://127.0.0.1:" + port))).startsWith("no answer");
	}

	private URI serve(int status, String body) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/actuator/health/readiness", (exchange) -> {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		});
		this.server.start();
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

}
