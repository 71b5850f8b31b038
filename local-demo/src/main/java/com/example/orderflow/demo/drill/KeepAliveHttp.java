package com.example.orderflow.demo.drill;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The load generator's HTTP: POSTs a JSON body over HTTP/1.1 on blocking sockets that are
 * kept alive and reused, one request at a time per socket. It does the least a client
 * must (a request line, three headers, a body by {@code Content-Length} or chunks), so
 * that the generator, which shares the 2-core machine with the system it measures, takes
 * as little of it as it can: the JDK's {@code HttpClient} cost the bench's 1,000 orders/s
 * step 0.69 of the 2 cores.
 * <p>
 * Thread-safe: each call borrows an idle socket or opens one, and a caller blocks for its
 * answer, so the sockets open are the requests in flight at the busiest moment.
 */
final class KeepAliveHttp implements AutoCloseable {

	/** An answer: its status and body. */
	record Response(int status, String body) {
	}

	private final InetSocketAddress server;

	private final String target;

	private final String host;

	private final Duration connectTimeout;

	private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

	/**
	 * @param uri where to POST
	 * @param connectTimeout how long a new connection may take
	 */
	KeepAliveHttp(URI uri, Duration connectTimeout) {
		this.server = new InetSocketAddress(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 80);
		this.target = (uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		this.host = uri.getHost() + ((uri.getPort() > 0) ? ":" + uri.getPort() : "");
		this.connectTimeout = connectTimeout;
	}

	/**
	 * POSTs a JSON body and waits for the answer.
	 * @param idempotencyKey sent as {@code Idempotency-Key}: a request on a kept-alive
	 * socket that the server closed unread is sent once more on a new socket, which is
	 * safe only because the key makes it idempotent
	 * @param timeout how long the answer may take to begin arriving, and each later part
	 * of it
	 * @throws IOException if there is no answer
	 */
	Response postJson(String json, String idempotencyKey, Duration timeout) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		byte[] head = ("POST " + this.target + " HTTP/1.1\r\nHost: " + this.host
				+ "\r\nContent-Type: application/json\r\nIdempotency-Key: " + idempotencyKey + "\r\nContent-Length: "
				+ body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		Connection reused = this.idle.pollFirst();
		if (reused != null) {
			try {
				return exchange(reused, head, body, timeout);
			}
			catch (UnansweredException ex) {
				// The server had closed the idle socket: it never read the request.
			}
		}
		return exchange(open(), head, body, timeout);
	}

	private Response exchange(Connection connection, byte[] head, byte[] body, Duration timeout) throws IOException {
		try {
			connection.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
			OutputStream out = connection.out();
			out.write(head);
			out.write(body);
			out.flush();
			Response response = connection.read();
			if (connection.keepAlive()) {
				this.idle.offerFirst(connection);
			}
			else {
				connection.close();
			}
			return response;
		}
		catch (IOException ex) {
			connection.close();
			throw ex;
		}
	}

	private Connection open() throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(this.server, (int) this.connectTimeout.toMillis());
			return new Connection(socket);
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

	@Override
	public void close() {
		Connection connection;
		while ((connection = this.idle.pollFirst()) != null) {
			connection.close();
		}
	}

	/** Nothing came back on a reused socket: the server had closed it. */
	private static final class UnansweredException extends EOFException {

		UnansweredException() {
			super("The kept-alive connection was closed before an answer");
		}

	}

	private static final class Connection {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private boolean keepAlive = true;

		Connection(Socket socket) throws IOException {
			this.socket = socket;
			this.in = new BufferedInputStream(socket.getInputStream(), 8192);
			this.out = new BufferedOutputStream(socket.getOutputStream(), 2048);
		}

		OutputStream out() {
			return this.out;
		}

		boolean keepAlive() {
			return this.keepAlive;
		}

		Response read() throws IOException {
			String statusLine = line(true);
			String[] parts = statusLine.split(" ", 3);
			if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
				throw new IOException("Not an HTTP/1.1 status line: " + statusLine);
			}
			int status = Integer.parseInt(parts[1]);
			long length = -1;
			boolean chunked = false;
			this.keepAlive = parts[0].equals("HTTP/1.1");
			for (String header = line(false); !header.isEmpty(); header = line(false)) {
				int colon = header.indexOf(':');
				if (colon < 0) {
					continue;
				}
				String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
				String value = header.substring(colon + 1).trim();
				switch (name) {
					case "content-length" -> length = Long.parseLong(value);
					case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
					case "connection" -> this.keepAlive = !value.equalsIgnoreCase("close");
					default -> {
					}
				}
			}
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if (chunked) {
				for (long size = Long.parseLong(line(false).split(";", 2)[0].trim(), 16); size > 0; size = Long
					.parseLong(line(false).split(";", 2)[0].trim(), 16)) {
					copy(size, body);
					line(false);
				}
				while (!line(false).isEmpty()) {
					// trailers
				}
			}
			else if (length >= 0) {
				copy(length, body);
			}
			else {
				this.keepAlive = false;
				this.in.transferTo(body);
			}
			return new Response(status, body.toString(StandardCharsets.UTF_8));
		}

		private void copy(long length, ByteArrayOutputStream to) throws IOException {
			byte[] bytes = this.in.readNBytes((int) length);
			if (bytes.length < length) {
				throw new EOFException("The answer ended after " + bytes.length + " of " + length + " bytes");
			}
			to.write(bytes);
		}

		/**
		 * One line without its CRLF; the first of an answer may find the socket closed.
		 */
		private String line(boolean first) throws IOException {
			StringBuilder line = new StringBuilder(64);
			for (int c = this.in.read(); c != '\n'; c = this.in.read()) {
				if (c < 0) {
					if (first && line.isEmpty()) {
						throw new UnansweredException();
					}
					throw new EOFException("The answer ended in a line");
				}
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}

		void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}

	}

}
