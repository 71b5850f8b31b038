package com.example.orderflow.demo.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The load generator's HTTP client against a real HTTP/1.1 server on a socket, written
 * here so that each test decides what the server does with its connection: answer with a
 * length or in chunks, keep it open or close it.
 */
class KeepAliveHttpTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void sequentialRequestsShareOneConnectionAndEachGetsItsAnswer() throws Exception {
		Server server = server((request) -> "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + request.body().length() + "\r\n\r\n" + request.body());
		KeepAliveHttp http = client(server);
		for (int i = 0; i < 5; i++) {
			KeepAliveHttp.Response response = http.postJson("{\"n\":" + i + "}", "key-" + i, TIMEOUT);
			assertThat(response.status()).isEqualTo(201);
			assertThat(response.body()).isEqualTo("{\"n\":" + i + "}");
		}
		assertThat(server.connections()).hasValue(1);
		assertThat(server.requests()).extracting(Request::idempotencyKey)
			.containsExactly("key-0", "key-1", "key-2", "key-3", "key-4");
	}

	@Test
	void aChunkedAnswerIsReadWhole() throws Exception {
		Server server = server((request) -> "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n"
				+ "Retry-After: 5\r\n\r\n5\r\n{\"out\r\n10;ext=1\r\ncome\":\"refused\"}\r\n0\r\n\r\n");
		KeepAliveHttp http = client(server);
		KeepAliveHttp.Response first = http.postJson("{}", "k-1", TIMEOUT);
		KeepAliveHttp.Response second = http.postJson("{}", "k-2", TIMEOUT);
		assertThat(first.status()).isEqualTo(503);
		assertThat(first.body()).isEqualTo("{\"outcome\":\"refused\"}");
		assertThat(second).isEqualTo(first);
		assertThat(server.connections()).as("the connection after a chunked answer").hasValue(1);
	}

	/**
	 * A server that closes a kept-alive connection between requests never read the next
	 * one: it is sent again on a new connection, once, and answered.
	 */
	@Test
	void aRequestOnAConnectionTheServerClosedIsSentAgainOnANewOne() throws Exception {
		Server server = server((request) -> "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
		server.closeAfterEachAnswer();
		KeepAliveHttp http = client(server);
		assertThat(http.postJson("{}", "k-1", TIMEOUT).status()).isEqualTo(201);
		assertThat(http.postJson("{}", "k-2", TIMEOUT).status()).isEqualTo(201);
		assertThat(server.requests()).extracting(Request::idempotencyKey).containsExactly("k-1", "k-2");
		assertThat(server.connections()).hasValue(2);
	}

	@Test
	void connectionCloseIsHonoured() throws Exception {
		Server server = server((request) -> "HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
		KeepAliveHttp http = client(server);
		http.postJson("{}", "k-1", TIMEOUT);
		http.postJson("{}", "k-2", TIMEOUT);
		assertThat(server.connections()).hasValue(2);
	}

	/**
	 * A server that does not answer (until the test has its result) costs the caller its
	 * time-out, not more.
	 */
	@Test
	void noAnswerWithinTheTimeoutIsAnError() throws Exception {
		CountDownLatch answerNow = new CountDownLatch(1);
		Server server = server((request) -> {
			await(answerNow);
			return "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
		});
		KeepAliveHttp http = client(server);
		long started = System.nanoTime();
		try {
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> http.postJson("{}", "k-1", Duration.ofMillis(300)));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		}
		finally {
			answerNow.countDown();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private KeepAliveHttp client(Server server) {
		KeepAliveHttp http = new KeepAliveHttp(URI.create("http://127.0.0.1:" + server.port() + "/api/orders"),
				Duration.ofSeconds(5));
		this.closeables.add(http);
		return http;
	}

	private Server server(Function<Request, String> answer) throws IOException {
		Server server = new Server(answer);
		this.closeables.add(server);
		return server;
	}

	private record Request(String line, String idempotencyKey, String body) {
	}

	/** Reads each request whole, then writes the answer it is given. */
	private static final class Server implements AutoCloseable {

		private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final Function<Request, String> answer;

		private final AtomicInteger connections = new AtomicInteger();

		private final List<Request> requests = new CopyOnWriteArrayList<>();

		private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();

		private volatile boolean closeAfterEachAnswer;

		Server(Function<Request, String> answer) throws IOException {
			this.answer = answer;
			Thread acceptor = new Thread(this::accept, "test-http-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		AtomicInteger connections() {
			return this.connections;
		}

		List<Request> requests() {
			return this.requests;
		}

		void closeAfterEachAnswer() {
			this.closeAfterEachAnswer = true;
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					this.connections.incrementAndGet();
					this.open.put(connection, true);
					Thread handler = new Thread(() -> serve(connection), "test-http-connection");
					handler.setDaemon(true);
					handler.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket connection) {
			try (connection) {
				BufferedReader in = new BufferedReader(
						new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
				OutputStream out = connection.getOutputStream();
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					String key = null;
					int length = 0;
					for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
						String[] parts = header.split(":", 2);
						if (parts[0].equalsIgnoreCase("Idempotency-Key")) {
							key = parts[1].trim();
						}
						if (parts[0].equalsIgnoreCase("Content-Length")) {
							length = Integer.parseInt(parts[1].trim());
						}
					}
					char[] body = new char[length];
					for (int read = 0; read < length;) {
						read += in.read(body, read, length - read);
					}
					Request request = new Request(line, key, new String(body));
					this.requests.add(request);
					out.write(this.answer.apply(request).getBytes(StandardCharsets.UTF_8));
					out.flush();
					if (this.closeAfterEachAnswer) {
						return;
					}
				}
			}
			catch (IOException ex) {
				// The client went away.
			}
			finally {
				this.open.remove(connection);
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
			for (Socket connection : this.open.keySet()) {
				connection.close();
			}
		}

	}

}
