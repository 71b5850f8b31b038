package com.example.orderflow.demo.trace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.tracing.TraceStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Zipkin's real server, started as {@code ./demo up} starts it (local-cluster's
 * {@link TraceStore}: here, so that one server serves both classes' tests), fed spans
 * through its collector API in the JSON the services' reporter sends, and read back as
 * {@code ./demo trace} reads them.
 */
class OrderTracesTests {

	@TempDir
	static Path directory;

	private static TraceStore store;

	private static OrderTraces traces;

	@BeforeAll
	static void start() {
		// The module's directory: the build copied Zipkin's jar below it.
		store = TraceStore.start(TraceStore.jarIn(Path.of("..")), ServiceProcess.freePort(), directory.resolve("logs"),
				directory.resolve("pids"));
		store.awaitReady(Duration.ofMinutes(2), System.out::println);
		traces = new OrderTraces(store.baseUri());
	}

	@AfterAll
	static void stop() {
		if (store != null) {
			long pid = store.pid();
			store.close();
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
			assertThat(directory.resolve("pids").resolve(TraceStore.NAME + ".pid")).doesNotExist();
		}
	}

	@Test
	void itListensOnLoopbackOnlyAndWritesItsPidFile() throws IOException {
		assertThat(Files.readString(directory.resolve("pids").resolve(TraceStore.NAME + ".pid")))
			.startsWith(Long.toString(store.pid()));
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), store.port())) {
			assertThat(socket.isConnected()).isTrue();
		}
		// Zipkin's server says where it listens: without the loopback setting it is
		// "/[0:0:0:0:0:0:0:0]:<port>", every address.
		assertThat(Files.readString(store.logFile())).contains("Serving HTTP at /127.0.0.1:" + store.port() + " ");
	}

	@Test
	void anOrdersTraceIsFoundByItsIdAndDrawnAsATreeWithItsPiecesMerged() throws Exception {
		String orderId = UUID.randomUUID().toString();
		String traceId = hex(32);
		String post = hex(16);
		String send = hex(16);
		String billing = hex(16);
		String shipping = hex(16);
		long start = System.currentTimeMillis() * 1000;
		post(List.of(span(traceId, post, null, "orders-service", "http post /api/orders", "SERVER", start, 40_000, ""),
				span(traceId, send, post, "orders-service", "orders send", "PRODUCER", start + 1_000, 3_000,
						"\"orderId\":\"" + orderId + "\",\"messaging.destination.name\":\"orders\""),
				span(traceId, billing, send, "billing-service", "billing-service process", "CONSUMER", start + 9_000,
						2_000,
						"\"messaging.destination.name\":\"orders\",\"messaging.destination.partition.id\":\"4\","
								+ "\"messaging.kafka.offset\":\"17\""),
				span(traceId, shipping, send, "shipping-service", "shipping-service process", "CONSUMER", start + 8_000,
						1_500, "\"messaging.destination.name\":\"orders\",\"error\":\"Injected permanent fault\","
								+ "\"orderflow.routed.to\":\"orders-shipping-service-retry-1\"")));
		// A later piece of the shipping span: its ids only, as Zipkin allows.
		post(List.of("{\"traceId\":\"%s\",\"id\":\"%s\",\"parentId\":\"%s\",\"localEndpoint\":{\"serviceName\":\"%s\"}}"
			.formatted(traceId, shipping, send, "shipping-service")));
		// Another order's trace, which must not be found.
		post(List.of(span(hex(32), hex(16), null, "orders-service", "orders send", "PRODUCER", start, 1_000,
				"\"orderId\":\"" + UUID.randomUUID() + "\"")));

		List<OrderTraces.Trace> found = await().atMost(Duration.ofSeconds(30))
			.until(() -> traces.ofOrder(orderId), (list) -> !list.isEmpty() && list.get(0).spans().size() == 4);
		assertThat(found).singleElement().satisfies((trace) -> {
			assertThat(trace.traceId()).isEqualTo(traceId);
			assertThat(trace.services()).containsExactly("billing-service", "orders-service", "shipping-service");
			assertThat(trace.named("shipping-service process")).singleElement()
				.satisfies((span) -> assertThat(span.startMicros()).isEqualTo(start + 8_000));
			String tree = """
					span                          service           at        took     record
					http post /api/orders         orders-service    +0.000 s  40.0 ms
					  orders send                 orders-service    +0.001 s  3.0 ms   orders
					    shipping-service process  shipping-service  +0.008 s  1.5 ms   orders       failed, to orders-shipping-service-retry-1: Injected permanent fault
					    billing-service process   billing-service   +0.009 s  2.0 ms   orders 4@17
					""";
			assertThat(trace.render("")).isEqualTo(tree);
		});
		assertThat(traces.trace(traceId)).hasValueSatisfying((trace) -> assertThat(trace.spans()).hasSize(4));
		assertThat(traces.trace(hex(32))).isEmpty();
		assertThat(traces.uiUri(traceId)).hasToString("http://127.0.0.1:" + store.port() + "/zipkin/traces/" + traceId);
	}

	@Test
	void withoutAStoreTheReaderSaysWhereItLooked() {
		OrderTraces nowhere = new OrderTraces(URI.create("http://127.0.0.1:" + ServiceProcess.freePort()));
		assertThatThrownBy(() -> nowhere.ofOrder("o-1")).hasMessageContaining("No trace store answers at");
	}

	private static void post(List<String> spans) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + store.port() + "/api/v2/spans"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", spans) + "]"))
			.build();
		assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(202);
	}

	private static String span(String traceId, String id, String parentId, String service, String name, String kind,
			long timestamp, long duration, String tags) {
		return ("{\"traceId\":\"%s\",\"id\":\"%s\",%s\"name\":\"%s\",\"kind\":\"%s\",\"timestamp\":%d,"
				+ "\"duration\":%d,\"localEndpoint\":{\"serviceName\":\"%s\"},\"tags\":{%s}}")
			.formatted(traceId, id, (parentId != null) ? "\"parentId\":\"" + parentId + "\"," : "", name, kind,
					timestamp, duration, service, tags);
	}

	private static String hex(int length) {
		return UUID.randomUUID().toString().replace("-", "").repeat(2).substring(0, length);
	}

}
