package com.example.orderflow.demo.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.example.orderflow.demo.drill.SystemProcesses;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The web console of {@code ./demo up}: one page on 127.0.0.1 (port 8080 unless
 * {@code --console-port} moves it) that draws the brokers, each topic's partitions with
 * leader and ISR, each consumer group's members, partitions and lag, the retry and
 * dead-letter topics, blue/green and one order's journey, and acts on the system.
 * <ul>
 * <li>{@code GET /} the page, its script and style (static, no build step);</li>
 * <li>{@code GET /events} a server-sent event with the whole {@link ConsoleView} as soon
 * as a reading changes, at least once a second; the system is read only while a page
 * listens;</li>
 * <li>{@code GET /api/state} the latest view, {@code GET /api/journey?orderId=} an
 * order's records;</li>
 * <li>{@code POST /api/actions/<name>} an action ({@link ConsoleActions}), from the
 * console's own page only ({@link SameOrigin}).</li>
 * </ul>
 */
public final class Console implements AutoCloseable {

	/**
	 * How often each part of the view is read, and a view sent even if nothing changed.
	 */
	private static final Duration EVERY = Duration.ofSeconds(1);

	/**
	 * The topology (nodes, leaders, ISR) is read more often: a killed broker's leaders
	 * move within seconds, and that is what a learner watches for.
	 */
	private static final Duration TOPOLOGY_EVERY = Duration.ofMillis(250);

	/** The groups: who owns which partition moves in a rebalance, watched as closely. */
	private static final Duration GROUPS_EVERY = Duration.ofMillis(500);

	/** How soon a changed reading reaches the page. */
	private static final Duration SEND_CHANGES_EVERY = Duration.ofMillis(250);

	private static final String STATIC = "static/";

	private static final Map<String, String> PAGES = Map.of("/", "index.html", "/console.js", "console.js",
			"/console.css", "console.css");

	private static final Pattern ORDER_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");

	private final HttpServer server;

	private final Admin admin;

	private final ConsoleReader reader;

	private final ConsoleActions actions;

	private final OrderJourney journeys;

	private final SameOrigin sameOrigin;

	private final Consumer<String> progress;

	private final List<OutputStream> listeners = new CopyOnWriteArrayList<>();

	/** One thread for each part of the view and one that sends it. */
	private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "console-view");
		thread.setDaemon(true);
		return thread;
	});

	private final ExecutorService requests = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "console-http");
		thread.setDaemon(true);
		return thread;
	});

	private volatile String latest = "{}";

	/** What the last view sent held, and when it was sent (the tick's thread only). */
	private long sentChanges = -1;

	private long sentAt;

	private Console(HttpServer server, SystemProcesses processes, URI traceStore, Consumer<String> progress) {
		this.server = server;
		this.progress = progress;
		Map<String, Object> client = new HashMap<>(processes.clientProperties());
		String bootstrapServers = String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
		client.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-console");
		client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
		client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
		this.admin = Admin.create(client);
		this.actions = new ConsoleActions(processes, this.admin, bootstrapServers, progress);
		this.reader = new ConsoleReader(this.admin, bootstrapServers, processes, this.actions::load);
		this.journeys = new OrderJourney(processes.clientProperties(),
				(traceId) -> traceStore.resolve("/zipkin/traces/" + traceId).toString());
		this.sameOrigin = new SameOrigin(server.getAddress().getPort());
	}

	/**
	 * Serves the console on 127.0.0.1:{@code port} until closed.
	 * @param processes the system it shows and acts on, as the CLI's commands reach it
	 * @param traceStore Zipkin's base URI, for the journey's trace link
	 * @throws IllegalStateException if the port is taken
	 */
	public static Console start(int port, SystemProcesses processes, URI traceStore, Consumer<String> progress) {
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"The console's port " + port + " is taken (" + ex.getMessage() + "): move it with --console-port",
					ex);
		}
		Console console = new Console(server, processes, traceStore, progress);
		server.setExecutor(console.requests);
		server.createContext("/", console::handle);
		server.start();
		console.ticks.scheduleWithFixedDelay(() -> console.whileListened(console.reader::refreshTopology), 0,
				TOPOLOGY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
		console.ticks.scheduleWithFixedDelay(() -> console.whileListened(console.reader::refreshGroups), 0,
				GROUPS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
		console.ticks.scheduleWithFixedDelay(() -> console.whileListened(console.reader::refreshServices), 0,
				EVERY.toMillis(), TimeUnit.MILLISECONDS);
		console.ticks.scheduleAtFixedRate(console::tick, SEND_CHANGES_EVERY.toMillis(), SEND_CHANGES_EVERY.toMillis(),
				TimeUnit.MILLISECONDS);
		return console;
	}

	/** Where the page is: {@code http://127.0.0.1:8080/}. */
	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/");
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!this.sameOrigin.addressedHere(exchange.getRequestHeaders())) {
				send(exchange, 403, "text/plain", "The console answers requests to 127.0.0.1 or localhost only");
				return;
			}
			String path = exchange.getRequestURI().getPath();
			String method = exchange.getRequestMethod();
			if (method.equals("GET") && PAGES.containsKey(path)) {
				page(exchange, PAGES.get(path));
			}
			else if (method.equals("GET") && path.equals("/events")) {
				listen(exchange);
			}
			else if (method.equals("GET") && path.equals("/api/state")) {
				state(exchange);
			}
			else if (method.equals("GET") && path.equals("/api/journey")) {
				journey(exchange);
			}
			else if (method.equals("POST") && path.startsWith("/api/actions/")) {
				act(exchange, path.substring("/api/actions/".length()));
			}
			else {
				send(exchange, 404, "text/plain", "No " + method + " " + path + " here");
			}
		}
		catch (IOException | RuntimeException ex) {
			this.progress.accept("console: " + exchange.getRequestURI() + " failed: " + ex.getMessage());
		}
	}

	private void page(HttpExchange exchange, String name) throws IOException {
		try (InputStream in = Console.class.getResourceAsStream(STATIC + name)) {
			if (in == null) {
				send(exchange, 404, "text/plain", "No " + name);
				return;
			}
			String type = name.endsWith(".html") ? "text/html" : name.endsWith(".js") ? "text/javascript" : "text/css";
			send(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

	/**
	 * Keeps the exchange open: every tick writes an event to it until the page goes away.
	 */
	private void listen(HttpExchange exchange) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.sendResponseHeaders(200, 0);
		OutputStream out = exchange.getResponseBody();
		if (this.listeners.isEmpty()) {
			// Nobody listened, so nothing was read: the first view is read now, whole.
			this.latest = ServiceEndpoints.JSON.writeValueAsString(this.reader.readNow());
		}
		out.write(event(this.latest));
		out.flush();
		this.listeners.add(out);
		// The handler's thread waits while the page listens; the tick writes.
		synchronized (out) {
			while (this.listeners.contains(out)) {
				try {
					out.wait(EVERY.toMillis() * 5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.listeners.remove(out);
				}
			}
		}
	}

	/** The system is read only while a page listens: an idle console costs nothing. */
	private void whileListened(Runnable part) {
		if (!this.listeners.isEmpty()) {
			try {
				part.run();
			}
			catch (RuntimeException ex) {
				this.progress.accept("console: could not read the system: " + ex.getMessage());
			}
		}
	}

	/**
	 * Sends the latest reading of every part to every page that listens: as soon as one
	 * changed, else once a second.
	 */
	private void tick() {
		long changes = this.reader.changes();
		long now = System.nanoTime();
		if (this.listeners.isEmpty() || (changes == this.sentChanges && now - this.sentAt < EVERY.toNanos())) {
			return;
		}
		this.sentChanges = changes;
		this.sentAt = now;
		this.latest = ServiceEndpoints.JSON.writeValueAsString(this.reader.view());
		byte[] event = event(this.latest);
		for (OutputStream out : this.listeners) {
			try {
				out.write(event);
				out.flush();
			}
			catch (IOException ex) {
				this.listeners.remove(out);
				synchronized (out) {
					out.notifyAll();
				}
			}
		}
	}

	private static byte[] event(String json) {
		return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	/** The whole view read now, for a client that does not listen ({@code curl}). */
	private void state(HttpExchange exchange) throws IOException {
		send(exchange, 200, "application/json", ServiceEndpoints.JSON.writeValueAsString(this.reader.readNow()));
	}

	private void journey(HttpExchange exchange) throws IOException {
		String orderId = query(exchange.getRequestURI()).getOrDefault("orderId", "").trim();
		if (!ORDER_ID.matcher(orderId).matches()) {
			send(exchange, 400, "application/json", error("orderId must be an order's id, not '" + orderId + "'"));
			return;
		}
		try {
			send(exchange, 200, "application/json",
					ServiceEndpoints.JSON.writeValueAsString(this.journeys.of(orderId)));
		}
		catch (RuntimeException ex) {
			send(exchange, 503, "application/json", error("Could not read the order's records: " + ex.getMessage()));
		}
	}

	private void act(HttpExchange exchange, String action) throws IOException {
		String refusal = this.sameOrigin.refusal(exchange.getRequestHeaders());
		if (refusal != null) {
			this.progress.accept("console: refused " + action + ": " + refusal);
			send(exchange, 403, "application/json", error(refusal));
			return;
		}
		JsonNode arguments;
		try {
			String body = new String(exchange.getRequestBody().readNBytes(10_000), StandardCharsets.UTF_8);
			arguments = body.isBlank() ? ServiceEndpoints.JSON.createObjectNode()
					: ServiceEndpoints.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			send(exchange, 400, "application/json", error("The body is not JSON: " + ex.getOriginalMessage()));
			return;
		}
		try {
			ConsoleActions.Result result = this.actions.run(action, arguments);
			send(exchange, 200, "application/json", ServiceEndpoints.JSON.writeValueAsString(result));
		}
		catch (IllegalArgumentException ex) {
			send(exchange, 400, "application/json", error(ex.getMessage()));
		}
	}

	private static String error(String message) {
		return ServiceEndpoints.JSON.writeValueAsString(Map.of("ok", false, "summary", message));
	}

	private static Map<String, String> query(URI uri) {
		Map<String, String> parameters = new HashMap<>();
		String query = uri.getRawQuery();
		if (query != null) {
			for (String pair : query.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return parameters;
	}

	private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
		exchange.getResponseHeaders().set("Cache-Control", "no-store");
		exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	@Override
	public void close() {
		this.ticks.shutdownNow();
		List<OutputStream> listening = List.copyOf(this.listeners);
		this.listeners.clear();
		listening.forEach((out) -> {
			synchronized (out) {
				out.notifyAll();
			}
		});
		this.server.stop(0);
		this.actions.close();
		this.requests.shutdownNow();
		this.admin.close(Duration.ofSeconds(5));
	}

}
