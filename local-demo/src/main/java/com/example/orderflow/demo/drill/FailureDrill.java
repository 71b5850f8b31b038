package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One order's whole failure path, live, against a running system, every step checked on
 * the cluster itself: shipping-service is told to fail every order that carries a unique
 * marker; an order with that marker goes {@code orders}, then
 * {@code orders-shipping-service-retry-1}, {@code -retry-2} and
 * {@code orders-shipping-service-dlt}; the parked record is listed, the fault is switched
 * off, the record is replayed, and shipping schedules exactly one shipment for it; a
 * second replay is refused.
 * <p>
 * A {@code read_committed} consumer without a group, positioned at the end of every topic
 * before the order is placed, sees each hop. Each step waits up to its timeout (60 s by
 * default) and never passes or fails on how fast the system is otherwise.
 */
public final class FailureDrill {

	/** How long each step may wait for the system by default. */
	public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(60);

	/** Every step, in order; a {@link Result} always has all of them. */
	public static final List<String> STEPS = List.of("faults on", "order placed", "on orders", "on retry-1",
			"on retry-2", "on dlt", "listed", "faults off", "replayed", "processed", "replay again refused",
			"exactly once");

	private static final String GROUP = ConsumerGroups.SHIPPING;

	private static final String RETRY_1 = Topics.retry(GROUP, 1);

	private static final String RETRY_2 = Topics.retry(GROUP, 2);

	private static final String DLT = Topics.deadLetter(GROUP);

	private static final List<String> WATCHED = List.of(Topics.ORDERS, RETRY_1, RETRY_2, DLT, Topics.SHIPMENTS);

	private static final String ARROW = " ──▶ ";

	private static final String REPLAY_ARROW = " ══ replay ══▶ ";

	/** Between tries of a request the system may not answer as hoped yet. */
	private static final Duration PAUSE = Duration.ofSeconds(1);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI ordersService;

	private final URI shippingService;

	private final Map<String, Object> client;

	private final Consumer<String> progress;

	private final Duration stepTimeout;

	/**
	 * A drill against a running system.
	 * @param ordersService the base URI of orders-service ({@code http://127.0.0.1:8081})
	 * @param shippingService the base URI of shipping-service
	 * @param client how to reach the cluster: its bootstrap servers and, secured, the
	 * admin principal's settings
	 * @param progress where each step and each hop is told as it happens
	 */
	public FailureDrill(URI ordersService, URI shippingService, Map<String, Object> client, Consumer<String> progress) {
		this(ordersService, shippingService, client, progress, DEFAULT_STEP_TIMEOUT);
	}

	private FailureDrill(URI ordersService, URI shippingService, Map<String, Object> client, Consumer<String> progress,
			Duration stepTimeout) {
		this.ordersService = ordersService;
		this.shippingService = shippingService;
		this.client = client;
		this.progress = progress;
		this.stepTimeout = stepTimeout;
	}

	/** The same drill with another limit on how long each step may wait. */
	public FailureDrill withStepTimeout(Duration timeout) {
		return new FailureDrill(this.ordersService, this.shippingService, this.client, this.progress, timeout);
	}

	/**
	 * Runs every step until one fails; the steps after a failed one are reported as not
	 * run. Switches the fault off again in any case.
	 */
	public Result run() {
		return new Run().execute();
	}

	/**
	 * What the drill found.
	 *
	 * @param marker the permanent-fault marker, also the order's customerId
	 * @param orderId the drill's order, the key of every record it followed; null if none
	 * was placed
	 * @param orderCreatedEventId the eventId of its {@code OrderCreated}, which the
	 * shipment's causationId names; null if it was not seen
	 * @param steps every step of {@link #STEPS}, in order
	 * @param path the topics the order's record was seen on, as a diagram
	 */
	public record Result(String marker, String orderId, String orderCreatedEventId, List<Step> steps, String path) {

		public Result {
			steps = List.copyOf(steps);
		}

		/** Whether every step ran and passed. */
		public boolean passed() {
			return this.steps.size() == STEPS.size() && this.steps.stream().allMatch(Step::passed);
		}

		/** The steps as a table, and a verdict. */
		public String report() {
			TextTable table = new TextTable();
			for (Step step : this.steps) {
				// What a step saw was shown as it happened; why one failed is shown in
				// full.
				table.row(step.passed() ? "✓" : "✗", step.name(),
						step.ran() ? "%.1f s".formatted(step.tookSeconds()) : "",
						step.passed() ? shorten(step.detail(), 110) : step.detail());
			}
			long passed = this.steps.stream().filter(Step::passed).count();
			return table.render("  ") + "  path: %s%n  %d of %d steps passed%s%n".formatted(
					this.path.isEmpty() ? "(none seen)" : this.path, passed, STEPS.size(),
					(this.orderId != null) ? " for order " + this.orderId : "");
		}

	}

	/**
	 * One step.
	 *
	 * @param name one of {@link #STEPS}
	 * @param passed whether it was verified
	 * @param ran whether it ran at all (not after an earlier step failed)
	 * @param atSeconds when it ended, in seconds since the drill began
	 * @param tookSeconds how long it took
	 * @param detail what was seen, or why it failed
	 */
	public record Step(String name, boolean passed, boolean ran, double atSeconds, double tookSeconds, String detail) {

	}

	@FunctionalInterface
	private interface Action {

		/** Does and checks the step; returns what it saw. */
		String run();

	}

	/** One run's state: what was placed, seen and parked so far. */
	private final class Run {

		private final long started = System.nanoTime();

		private final String marker = "drill-poison-" + UUID.randomUUID().toString().substring(0, 8);

		private final List<Step> steps = new ArrayList<>();

		private final List<String> path = new ArrayList<>();

		private int shownPath;

		private boolean faultsOn;

		private String orderId;

		private String eventId;

		private ConsumerRecord<String, byte[]> created;

		private ConsumerRecord<String, byte[]> parked;

		private ConsumerRecord<String, byte[]> shipment;

		Result execute() {
			FailureDrill.this.progress
				.accept("failure drill: one order through %s's retry topics, dead-letter topic ".formatted(GROUP)
						+ "and replay, checked on the cluster at "
						+ FailureDrill.this.client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
			try (OrderRecordWatch watch = new OrderRecordWatch(FailureDrill.this.client, WATCHED, GROUP,
					FailureDrill.this.stepTimeout, FailureDrill.this.progress)) {
				boolean ok = step("faults on", this::faultsOn) && step("order placed", () -> place(watch))
						&& step("on orders", () -> onOrders(watch)) && step("on retry-1", () -> onRetry(watch, 1))
						&& step("on retry-2", () -> onRetry(watch, 2)) && step("on dlt", () -> onDeadLetter(watch))
						&& step("listed", this::listed) && step("faults off", this::faultsOff)
						&& step("replayed", () -> replayed(watch)) && step("processed", () -> processed(watch))
						&& step("replay again refused", this::replayAgainRefused)
						&& step("exactly once", () -> exactlyOnce(watch));
				if (!ok) {
					STEPS.subList(this.steps.size(), STEPS.size())
						.forEach((name) -> this.steps
							.add(new Step(name, false, false, seconds(), 0, "not run: an earlier step failed")));
				}
			}
			catch (RuntimeException ex) {
				// The consumer could not be created or closed: every step catches its
				// own.
				FailureDrill.this.progress.accept("✗ cannot watch the cluster: " + ex.getMessage());
				STEPS.subList(this.steps.size(), STEPS.size())
					.forEach((name) -> this.steps.add(new Step(name, false, false, seconds(), 0,
							"not run: cannot watch the cluster (" + ex.getMessage() + ")")));
			}
			finally {
				if (this.faultsOn) {
					switchOffAfterFailure();
				}
			}
			return new Result(this.marker, this.orderId, this.eventId, this.steps, String.join("", this.path));
		}

		private boolean step(String name, Action action) {
			long stepStarted = System.nanoTime();
			String detail;
			boolean passed;
			try {
				detail = action.run();
				passed = true;
			}
			catch (DrillStepFailed ex) {
				detail = ex.getMessage();
				passed = false;
			}
			catch (RuntimeException ex) {
				detail = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				passed = false;
			}
			double took = (System.nanoTime() - stepStarted) / 1e9;
			this.steps.add(new Step(name, passed, true, seconds(), took, detail));
			FailureDrill.this.progress.accept("%s %-20s %s".formatted(passed ? "✓" : "✗", name, detail));
			if (this.path.size() > this.shownPath) {
				this.shownPath = this.path.size();
				FailureDrill.this.progress.accept("  " + String.join("", this.path));
			}
			return passed;
		}

		private double seconds() {
			return (System.nanoTime() - this.started) / 1e9;
		}

		private String faultsOn() {
			URI faults = FailureDrill.this.shippingService.resolve("/admin/faults");
			HttpResponse<String> response = send("PUT", faults, "{\"permanentMarker\":\"" + this.marker + "\"}", GROUP);
			this.faultsOn = response.statusCode() == 200;
			expectStatus(response, 200, "PUT " + faults);
			String inForce = json(response.body()).path("permanentMarker").asString("");
			if (!this.marker.equals(inForce)) {
				throw new DrillStepFailed("PUT " + faults + " answered a marker of '" + inForce + "', not '"
						+ this.marker + "': " + response.body());
			}
			return "PUT %s: %s now fails every order containing \"%s\"".formatted(faults, GROUP, this.marker);
		}

		private String place(OrderRecordWatch watch) {
			watch.start();
			URI orders = FailureDrill.this.ordersService.resolve("/api/orders");
			String body = """
					{"customerId":"%s","currency":"EUR","shippingCountry":"DE",
					 "lines":[{"sku":"SKU-BOOK","quantity":1,"unitPrice":"12.50"}]}""".formatted(this.marker);
			// The API answers 503 when the cluster did not commit the order in time (the
			// first transaction after start-up can be slow): the same Idempotency-Key
			// makes retrying safe, and it never creates a second order.
			long deadline = System.nanoTime() + FailureDrill.this.stepTimeout.toNanos();
			// A trace context with the sampled flag: the order is traced whatever the
			// services' sampling, so its whole way is in the trace store.
			Map<String, String> headers = Map.of("Idempotency-Key", this.marker, "traceparent", sampledTraceparent());
			HttpResponse<String> response = send("POST", orders, body, "orders-service", headers);
			while (response.statusCode() == 503 && System.nanoTime() < deadline) {
				FailureDrill.this.progress
					.accept("  orders-service answered 503 (%s): retrying with the same Idempotency-Key"
						.formatted(json(response.body()).path("detail").asString("?")));
				pause();
				response = send("POST", orders, body, "orders-service", headers);
			}
			expectStatus(response, 201, "POST " + orders);
			String id = json(response.body()).path("orderId").asString("");
			if (id.isEmpty()) {
				throw new DrillStepFailed("No orderId in the answer to POST " + orders + ": " + response.body());
			}
			this.orderId = id;
			watch.follow(id);
			return "POST %s: 201, order %s, customerId %s".formatted(orders, id, this.marker);
		}

		private String onOrders(OrderRecordWatch watch) {
			this.created = watch.await(Topics.ORDERS, (record) -> record.topic().equals(Topics.ORDERS));
			String type = RecordHeaders.last(this.created.headers(), RecordHeaders.TYPE).orElse("?");
			JsonNode event = json(new String(this.created.value(), StandardCharsets.UTF_8));
			this.eventId = event.path("eventId").asString(null);
			if (!EventTypes.ORDER_CREATED.equals(type) || this.eventId == null) {
				throw new DrillStepFailed("Expected an order-created with an eventId on " + Topics.ORDERS
						+ ", got type " + type + ": " + event);
			}
			hop("", Topics.ORDERS);
			return "%s %s %s: %s, eventId %s".formatted(sinceOrder(this.created), Topics.ORDERS,
					OrderRecordWatch.where(this.created), type, this.eventId);
		}

		private String onRetry(OrderRecordWatch watch, int n) {
			String topic = Topics.retry(GROUP, n);
			ConsumerRecord<String, byte[]> retry = watch.await(topic, (record) -> record.topic().equals(topic)
					&& RecordHeaders.last(record.headers(), RecordHeaders.REPLAYED_FROM).isEmpty());
			long attempt = RecordHeaders.number(retry.headers(), RecordHeaders.ATTEMPT)
				.orElseThrow(() -> new DrillStepFailed(
						topic + " " + OrderRecordWatch.where(retry) + " has no " + RecordHeaders.ATTEMPT + " header"));
			long dueAt = RecordHeaders.number(retry.headers(), RecordHeaders.DUE_AT)
				.orElseThrow(() -> new DrillStepFailed(
						topic + " " + OrderRecordWatch.where(retry) + " has no " + RecordHeaders.DUE_AT + " header"));
			if (attempt != n + 1) {
				throw new DrillStepFailed(topic + " " + OrderRecordWatch.where(retry) + " says " + RecordHeaders.ATTEMPT
						+ " " + attempt + ", expected " + (n + 1));
			}
			double delay = (dueAt - retry.timestamp()) / 1e3;
			hop(ARROW, "retry-%d (%.0f s)".formatted(n, delay));
			return "%s %s %s: %s %d, %s %d (due %.1f s after it was written)".formatted(sinceOrder(retry), topic,
					OrderRecordWatch.where(retry), RecordHeaders.ATTEMPT, attempt, RecordHeaders.DUE_AT, dueAt, delay);
		}

		private String onDeadLetter(OrderRecordWatch watch) {
			this.parked = watch.await(DLT, (record) -> record.topic().equals(DLT));
			Headers headers = this.parked.headers();
			if (this.parked.partition() != this.created.partition()) {
				throw new DrillStepFailed(DLT + " " + OrderRecordWatch.where(this.parked)
						+ " is not on the partition of the order (" + this.created.partition() + ")");
			}
			if (!watch.seen(Topics.SHIPMENTS).isEmpty()) {
				throw new DrillStepFailed("shipping wrote " + Topics.SHIPMENTS + " for an order it failed: "
						+ watch.seen(Topics.SHIPMENTS).size() + " records");
			}
			hop(ARROW, "dlt");
			String message = RecordHeaders.last(headers, RecordHeaders.EXCEPTION_MESSAGE).orElse("?");
			return "%s %s %s: original topic %s, %s %s, %s %s, %s \"%s\"".formatted(sinceOrder(this.parked), DLT,
					OrderRecordWatch.where(this.parked),
					RecordHeaders.first(headers, RecordHeaders.ORIGINAL_TOPIC).orElse("?"), RecordHeaders.ATTEMPT,
					RecordHeaders.number(headers, RecordHeaders.ATTEMPT).map(String::valueOf).orElse("?"),
					RecordHeaders.EXCEPTION_FQCN, RecordHeaders.last(headers, RecordHeaders.EXCEPTION_FQCN).orElse("?"),
					RecordHeaders.EXCEPTION_MESSAGE, shorten(message, 100))
					+ RecordHeaders.last(headers, RecordHeaders.EXCEPTION_CAUSE_FQCN)
						.filter((cause) -> !cause
							.equals(RecordHeaders.last(headers, RecordHeaders.EXCEPTION_FQCN).orElse(null)))
						.map((cause) -> ", " + RecordHeaders.EXCEPTION_CAUSE_FQCN + " " + cause)
						.orElse("");
		}

		/** The DLQ consumer reads the DLT on its own: allow it time to catch up. */
		private String listed() {
			URI deadLetters = FailureDrill.this.shippingService.resolve("/admin/dead-letters");
			long deadline = System.nanoTime() + FailureDrill.this.stepTimeout.toNanos();
			StillWaiting waiting = new StillWaiting("GET " + deadLetters + " to list " + this.orderId,
					FailureDrill.this.progress);
			String last = "";
			while (true) {
				HttpResponse<String> response = send("GET", deadLetters, null, GROUP);
				if (response.statusCode() == 200) {
					for (JsonNode entry : json(response.body())) {
						if (this.orderId.equals(entry.path("key").asString(""))) {
							int partition = entry.path("partition").asInt(-1);
							long offset = entry.path("offset").asLong(-1);
							String status = entry.path("status").asString("?");
							if (partition != this.parked.partition() || offset != this.parked.offset()) {
								throw new DrillStepFailed("GET " + deadLetters + " lists " + this.orderId + " at "
										+ partition + "@" + offset + ", but the cluster has it at "
										+ OrderRecordWatch.where(this.parked));
							}
							if (!"PARKED".equals(status)) {
								throw new DrillStepFailed("GET " + deadLetters + " lists " + this.orderId + " as "
										+ status + ", not PARKED: " + entry);
							}
							return "GET %s: key %s at %d@%d, status %s, attempts %d, replayCount %d, %s".formatted(
									deadLetters, this.orderId, partition, offset, status,
									entry.path("attempts").asInt(), entry.path("replayCount").asInt(),
									entry.path("exceptionClass").asString("?"));
						}
					}
					last = "not listed yet";
				}
				else {
					last = response.statusCode() + " " + shorten(response.body(), 200);
				}
				if (System.nanoTime() > deadline) {
					throw new DrillStepFailed("GET " + deadLetters + " did not list " + this.orderId + " within "
							+ FailureDrill.this.stepTimeout.toSeconds() + " s (last: " + last + ")");
				}
				waiting.note();
				pause();
			}
		}

		private String faultsOff() {
			URI faults = FailureDrill.this.shippingService.resolve("/admin/faults");
			HttpResponse<String> response = send("DELETE", faults, null, GROUP);
			expectStatus(response, 200, "DELETE " + faults);
			this.faultsOn = false;
			JsonNode marker = json(response.body()).path("permanentMarker");
			if (!marker.isNull() && !marker.isMissingNode()) {
				throw new DrillStepFailed("DELETE " + faults + " left a marker: " + response.body());
			}
			return "DELETE %s: every fault off".formatted(faults);
		}

		private String replayed(OrderRecordWatch watch) {
			HttpResponse<String> response = send("POST", replayUri(), null, GROUP);
			expectStatus(response, 202, "POST " + replayUri());
			JsonNode receipt = json(response.body());
			String from = this.parked.partition() + "@" + this.parked.offset();
			ConsumerRecord<String, byte[]> copy = watch.await(RETRY_1 + " (the replay)",
					(record) -> record.topic().equals(RETRY_1)
							&& RecordHeaders.last(record.headers(), RecordHeaders.REPLAYED_FROM)
								.filter(from::equals)
								.isPresent());
			if (copy.partition() != receipt.path("replayPartition").asInt(-1)
					|| copy.offset() != receipt.path("replayOffset").asLong(-1)) {
				throw new DrillStepFailed("The replay answered " + receipt + ", but the cluster has it at "
						+ OrderRecordWatch.where(copy));
			}
			hop(REPLAY_ARROW, "retry-1");
			return "%s POST %s: 202; on %s %s with %s %s, %s %d".formatted(sinceOrder(copy), replayUri(), RETRY_1,
					OrderRecordWatch.where(copy), RecordHeaders.REPLAYED_FROM, from, RecordHeaders.REPLAY_COUNT,
					RecordHeaders.number(copy.headers(), RecordHeaders.REPLAY_COUNT).orElse(-1L));
		}

		private String processed(OrderRecordWatch watch) {
			this.shipment = watch.await(Topics.SHIPMENTS, (record) -> record.topic().equals(Topics.SHIPMENTS));
			String type = RecordHeaders.last(this.shipment.headers(), RecordHeaders.TYPE).orElse("?");
			JsonNode result = json(new String(this.shipment.value(), StandardCharsets.UTF_8));
			String causation = result.path("causationId").asString("");
			if (!EventTypes.SHIPMENT_SCHEDULED.equals(type) || !this.eventId.equals(causation)) {
				throw new DrillStepFailed("Expected a " + EventTypes.SHIPMENT_SCHEDULED + " caused by " + this.eventId
						+ " on " + Topics.SHIPMENTS + ", got " + type + ": " + result);
			}
			hop(ARROW, "shipments ✓");
			return "%s %s %s: %s, causationId %s, carrier %s".formatted(sinceOrder(this.shipment), Topics.SHIPMENTS,
					OrderRecordWatch.where(this.shipment), type, causation, result.path("carrier").asString("?"));
		}

		private String replayAgainRefused() {
			HttpResponse<String> response = send("POST", replayUri(), null, GROUP);
			expectStatus(response, 409, "POST " + replayUri() + " (again)");
			JsonNode problem = json(response.body());
			return "POST %s again: 409 %s, recordStatus %s".formatted(replayUri(), problem.path("title").asString("?"),
					problem.path("recordStatus").asString("?"));
		}

		/** Everything committed on {@code shipments} so far, read to its end. */
		private String exactlyOnce(OrderRecordWatch watch) {
			watch.readToEnd(Topics.SHIPMENTS);
			List<ConsumerRecord<String, byte[]>> shipments = watch.seen(Topics.SHIPMENTS);
			List<String> types = shipments.stream()
				.map((record) -> RecordHeaders.last(record.headers(), RecordHeaders.TYPE).orElse("?"))
				.toList();
			if (shipments.size() != 1) {
				throw new DrillStepFailed(Topics.SHIPMENTS + " has " + shipments.size() + " records for " + this.orderId
						+ ", expected exactly one: " + types);
			}
			return "%s read to its end: exactly one record for order %s, a %s".formatted(Topics.SHIPMENTS, this.orderId,
					types.get(0));
		}

		/** Extends the path so far and shows it. */
		private void hop(String arrow, String stop) {
			this.path.add(arrow + stop);
		}

		/**
		 * When the cluster got a record (its timestamp, set when it was sent), in seconds
		 * after the order's record on {@code orders}.
		 */
		private String sinceOrder(ConsumerRecord<String, byte[]> record) {
			return "+%.1f s".formatted((record.timestamp() - this.created.timestamp()) / 1e3);
		}

		private URI replayUri() {
			return FailureDrill.this.shippingService
				.resolve("/admin/dead-letters/" + this.parked.partition() + "/" + this.parked.offset() + "/replay");
		}

		private void switchOffAfterFailure() {
			URI faults = FailureDrill.this.shippingService.resolve("/admin/faults");
			try {
				send("DELETE", faults, null, GROUP);
				FailureDrill.this.progress.accept("switched the fault off again: DELETE " + faults);
			}
			catch (RuntimeException ex) {
				FailureDrill.this.progress
					.accept("could not switch the fault off (" + ex.getMessage() + "): DELETE " + faults + " by hand");
			}
		}

	}

	private HttpResponse<String> send(String method, URI uri, String body, String service) {
		return send(method, uri, body, service, Map.of());
	}

	private HttpResponse<String> send(String method, URI uri, String body, String service,
			Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
		headers.forEach(request::header);
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new DrillStepFailed(method + " " + uri + " failed: is " + service + " running? (" + ex + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DrillStepFailed("Interrupted", ex);
		}
	}

	private static void expectStatus(HttpResponse<String> response, int expected, String request) {
		if (response.statusCode() != expected) {
			throw new DrillStepFailed(request + " answered " + response.statusCode() + ", expected " + expected + ": "
					+ shorten(response.body(), 300));
		}
	}

	private static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (JacksonException ex) {
			throw new DrillStepFailed("Not JSON: " + shorten(text, 200));
		}
	}

	private static void pause() {
		try {
			Thread.sleep(PAUSE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DrillStepFailed("Interrupted", ex);
		}
	}

	/**
	 * A W3C {@code traceparent} of a new trace with the sampled flag set, as a traced
	 * client sends it.
	 */
	static String sampledTraceparent() {
		String traceId = UUID.randomUUID().toString().replace("-", "");
		String spanId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		return "00-" + traceId + "-" + spanId + "-01";
	}

	private static String shorten(String text, int max) {
		String oneLine = (text != null) ? text.replaceAll("\\s+", " ") : "";
		return (oneLine.length() <= max) ? oneLine : oneLine.substring(0, max) + "…";
	}

}
