package com.example.orderflow.demo.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.example.orderflow.demo.status.TextTable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One order's traces, read back from Zipkin's HTTP API ({@code /api/v2/traces}), and
 * drawn as a tree for the terminal ({@code ./demo trace <orderId>}). An order's trace is
 * found by the tag {@value #ORDER_TAG} that orders-service puts on each order event's
 * {@code orders send} span; its placing and its cancel are two requests, so two traces.
 */
public final class OrderTraces {

	/** The tag of orders-service's producer span that names the order. */
	public static final String ORDER_TAG = "orderId";

	/** How much of a failure's message a row shows. */
	private static final int NOTE_LENGTH = 60;

	/** Zipkin looks back this far (its default is a day). */
	private static final Duration LOOKBACK = Duration.ofDays(7);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final URI baseUri;

	/**
	 * @param baseUri Zipkin's, such as {@code http://127.0.0.1:9411}
	 */
	public OrderTraces(URI baseUri) {
		this.baseUri = baseUri;
	}

	/** Every trace with a span tagged with this order, oldest first. */
	public List<Trace> ofOrder(String orderId) {
		String query = "annotationQuery=" + URLEncoder.encode(ORDER_TAG + "=" + orderId, StandardCharsets.UTF_8)
				+ "&lookback=" + LOOKBACK.toMillis() + "&limit=10";
		JsonNode traces = get("/api/v2/traces?" + query);
		List<Trace> found = new ArrayList<>();
		traces.forEach((trace) -> found.add(Trace.of(trace)));
		found.sort(Comparator.comparingLong(Trace::startMicros));
		return found;
	}

	/** The spans of one trace, empty if the store has none. */
	public Optional<Trace> trace(String traceId) {
		HttpRequest request = HttpRequest.newBuilder(this.baseUri.resolve("/api/v2/trace/" + traceId))
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = send(request);
		if (response.statusCode() == 404) {
			return Optional.empty();
		}
		return Optional.of(Trace.of(parse(request, response)));
	}

	/** The trace's page in Zipkin's UI. */
	public URI uiUri(String traceId) {
		return this.baseUri.resolve("/zipkin/traces/" + traceId);
	}

	private JsonNode get(String pathAndQuery) {
		HttpRequest request = HttpRequest.newBuilder(this.baseUri.resolve(pathAndQuery))
			.timeout(Duration.ofSeconds(10))
			.build();
		return parse(request, send(request));
	}

	private static JsonNode parse(HttpRequest request, HttpResponse<String> response) {
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"Zipkin answered " + response.statusCode() + " to " + request.uri() + ": " + response.body());
		}
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No trace store answers at " + this.baseUri
					+ " (./demo up starts one; --zipkin-port if it is not on 9411)", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** One trace: its spans in the order they started. */
	public record Trace(String traceId, List<Span> spans) {

		public Trace {
			spans = spans.stream().sorted(Comparator.comparingLong(Span::startMicros)).toList();
		}

		/**
		 * A trace from Zipkin's JSON. A span may reach Zipkin in more than one piece, as
		 * Zipkin allows (a later piece with its ids only, say): pieces of one span are
		 * merged, as Zipkin's UI merges them.
		 */
		static Trace of(JsonNode spans) {
			Map<String, Span> byId = new LinkedHashMap<>();
			spans.forEach((json) -> {
				Span span = Span.of(json);
				byId.merge(span.id(), span, Span::merge);
			});
			if (byId.isEmpty()) {
				throw new IllegalStateException("A trace without spans");
			}
			List<Span> all = List.copyOf(byId.values());
			return new Trace(all.get(0).traceId(), all);
		}

		long startMicros() {
			return this.spans.get(0).startMicros();
		}

		/** The services that reported a span of it. */
		public Set<String> services() {
			return this.spans.stream().map(Span::service).collect(Collectors.toCollection(TreeSet::new));
		}

		/** Its spans whose name is this one (Zipkin keeps names in lower case). */
		public List<Span> named(String name) {
			return this.spans.stream().filter((span) -> span.name().equalsIgnoreCase(name)).toList();
		}

		/** The span's parent in this trace, if it has one here. */
		public Optional<Span> parentOf(Span span) {
			return this.spans.stream().filter((other) -> other.id().equals(span.parentId())).findFirst();
		}

		/**
		 * The trace as a tree: each span under its parent, children in the order they
		 * started; a span whose parent never reached the store is a root of its own.
		 */
		public String render(String indent) {
			Map<String, List<Span>> children = new LinkedHashMap<>();
			List<Span> roots = new ArrayList<>();
			for (Span span : this.spans) {
				if (span.parentId() != null && parentOf(span).isPresent()) {
					children.computeIfAbsent(span.parentId(), (parent) -> new ArrayList<>()).add(span);
				}
				else {
					roots.add(span);
				}
			}
			TextTable table = new TextTable();
			table.row("span", "service", "at", "took", "record", "");
			roots.forEach((root) -> addRows(table, root, 0, children, startMicros()));
			return table.render(indent);
		}

		private static void addRows(TextTable table, Span span, int depth, Map<String, List<Span>> children,
				long traceStart) {
			table.row("  ".repeat(depth) + span.name(), span.service(),
					"+%.3f s".formatted((span.startMicros() - traceStart) / 1e6),
					"%.1f ms".formatted(span.durationMicros() / 1e3), span.record(), span.note());
			children.getOrDefault(span.id(), List.of())
				.forEach((child) -> addRows(table, child, depth + 1, children, traceStart));
		}

	}

	/**
	 * One span as Zipkin stores it.
	 *
	 * @param parentId its parent's id, null for a trace's first span
	 * @param startMicros its start, microseconds since the epoch
	 * @param tags its tags, such as OpenTelemetry's {@code messaging.destination.name}
	 */
	public record Span(String traceId, String id, String parentId, String service, String name, String kind,
			long startMicros, long durationMicros, Map<String, String> tags) {

		public Span {
			tags = Map.copyOf(tags);
		}

		static Span of(JsonNode span) {
			Map<String, String> tags = new LinkedHashMap<>();
			span.path("tags").properties().forEach((tag) -> tags.put(tag.getKey(), tag.getValue().asString()));
			JsonNode parent = span.path("parentId");
			return new Span(span.path("traceId").asString(), span.path("id").asString(),
					parent.isMissingNode() ? null : parent.asString(),
					span.path("localEndpoint").path("serviceName").asString(""), span.path("name").asString(""),
					span.path("kind").asString(""), span.path("timestamp").asLong(), span.path("duration").asLong(),
					tags);
		}

		/** Two pieces of one span as one: what either has, the fuller piece's first. */
		Span merge(Span other) {
			Span full = this.name.isEmpty() ? other : this;
			Span rest = (full == this) ? other : this;
			Map<String, String> tags = new LinkedHashMap<>(rest.tags);
			tags.putAll(full.tags);
			return new Span(full.traceId, full.id, (full.parentId != null) ? full.parentId : rest.parentId,
					full.service.isEmpty() ? rest.service : full.service, full.name,
					full.kind.isEmpty() ? rest.kind : full.kind,
					(full.startMicros != 0) ? full.startMicros : rest.startMicros,
					Math.max(full.durationMicros, rest.durationMicros), tags);
		}

		/** The Kafka record it sent or handled: topic partition@offset, if any. */
		public String record() {
			String topic = this.tags.get("messaging.destination.name");
			if (topic == null) {
				return "";
			}
			String partition = this.tags.get("messaging.destination.partition.id");
			String offset = this.tags.get("messaging.kafka.offset");
			return topic + ((partition != null) ? " " + partition + ((offset != null) ? "@" + offset : "") : "");
		}

		/** The failure and where the record went next, if it failed. */
		public String note() {
			String error = this.tags.get("error");
			if (error == null) {
				return "";
			}
			String routedTo = this.tags.get("orderflow.routed.to");
			String why = (error.length() > NOTE_LENGTH) ? error.substring(0, NOTE_LENGTH) + "..." : error;
			return ((routedTo != null) ? "failed, to " + routedTo : "failed") + ": " + why;
		}

		/** A tag's value, if the span has it. */
		public Optional<String> tag(String name) {
			return Optional.ofNullable(this.tags.get(name));
		}

	}

}
