package com.example.orderflow.demo.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Places sample orders through the orders API, cancels some, and shows that every
 * consumer group answered every order: each group's output topic, read
 * {@code read_committed} as a downstream consumer would, holds a result keyed by the
 * orderId.
 */
final class SampleOrders {

	/**
	 * Each group on {@code orders} and the topic it answers on, in the order of the
	 * table.
	 */
	static final Map<String, String> OUTPUT_OF_GROUP = outputs();

	/** Every third order is cancelled, so a short run shows both paths. */
	private static final int CANCEL_EVERY = 3;

	private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

	/** The header with the logical type id of each record ({@code invoice-issued}). */
	private static final String TYPE_HEADER = EventTypes.HEADER;

	/**
	 * After the first result of each order, how long to wait for the follow-ups of
	 * cancellations.
	 */
	private static final Duration FOLLOW_UPS = Duration.ofSeconds(3);

	private static final Duration STILL_WAITING = Duration.ofSeconds(5);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI ordersApi;

	/**
	 * How to reach the cluster: its bootstrap servers and, secured, the admin's settings.
	 */
	private final Map<String, Object> client;

	private final Consumer<String> progress;

	SampleOrders(int ordersPort, Map<String, Object> client, Consumer<String> progress) {
		this.ordersApi = URI.create("http://127.0.0.1:" + ordersPort + "/api/orders");
		this.client = client;
		this.progress = progress;
	}

	private static Map<String, String> outputs() {
		return ConsumerGroups.OUTPUT_TOPICS;
	}

	/**
	 * Places the orders, waits for the results and prints the table.
	 * @return whether every group answered every order
	 */
	boolean run(int count, Duration timeout, PrintStream out) {
		try (KafkaConsumer<String, byte[]> results = resultReader()) {
			List<String> placed = new ArrayList<>();
			Set<String> cancelled = new LinkedHashSet<>();
			for (int n = 1; n <= count; n++) {
				String orderId = place(n);
				placed.add(orderId);
				if (n % CANCEL_EVERY == 2) {
					cancel(orderId);
					cancelled.add(orderId);
				}
			}
			this.progress.accept("placed %d orders on %s (%d cancelled); waiting for every group's results"
				.formatted(count, this.ordersApi, cancelled.size()));
			Map<String, Map<String, List<String>>> received = awaitResults(results, placed, timeout);
			out.println();
			out.print(table(placed, cancelled, received));
			long answered = placed.stream()
				.mapToLong((order) -> OUTPUT_OF_GROUP.values()
					.stream()
					.filter((topic) -> !received.get(topic).getOrDefault(order, List.of()).isEmpty())
					.count())
				.sum();
			long expected = (long) placed.size() * OUTPUT_OF_GROUP.size();
			out.printf("%n%d of %d (order, group) pairs answered, read read_committed from %s%n", answered, expected,
					String.join(", ", OUTPUT_OF_GROUP.values()));
			return answered == expected;
		}
	}

	/** Positioned at the end of every output topic before the first order is placed. */
	private KafkaConsumer<String, byte[]> resultReader() {
		Map<String, Object> configuration = new HashMap<>(this.client);
		configuration.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		configuration.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		configuration.put(ConsumerConfig.CLIENT_ID_CONFIG, "orderflow-demo-results");
		// No group: assigned partitions leave no trace among the cluster's consumer
		// groups.
		KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(configuration, new StringDeserializer(),
				new ByteArrayDeserializer());
		List<TopicPartition> partitions = new ArrayList<>();
		for (String topic : OUTPUT_OF_GROUP.values()) {
			consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
		}
		consumer.assign(partitions);
		consumer.endOffsets(partitions, Duration.ofSeconds(30)).forEach(consumer::seek);
		return consumer;
	}

	private Map<String, Map<String, List<String>>> awaitResults(KafkaConsumer<String, byte[]> results,
			List<String> orders, Duration timeout) {
		Map<String, Map<String, List<String>>> received = new LinkedHashMap<>();
		OUTPUT_OF_GROUP.values().forEach((topic) -> received.put(topic, new HashMap<>()));
		Set<String> ours = Set.copyOf(orders);
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		long nextNote = started + STILL_WAITING.toNanos();
		long followUpsUntil = Long.MAX_VALUE;
		while (System.nanoTime() < Math.min(deadline, followUpsUntil)) {
			for (ConsumerRecord<String, byte[]> result : results.poll(Duration.ofMillis(250))) {
				if (ours.contains(result.key())) {
					received.get(result.topic())
						.computeIfAbsent(result.key(), (key) -> new ArrayList<>())
						.add(typeOf(result));
				}
			}
			long answered = answered(received, orders);
			long expected = (long) orders.size() * OUTPUT_OF_GROUP.size();
			if (answered == expected && followUpsUntil == Long.MAX_VALUE) {
				followUpsUntil = System.nanoTime() + FOLLOW_UPS.toNanos();
			}
			if (System.nanoTime() > nextNote) {
				nextNote = System.nanoTime() + STILL_WAITING.toNanos();
				this.progress.accept("%d of %d results in (%.0f s)".formatted(answered, expected,
						(System.nanoTime() - started) / 1e9));
			}
		}
		return received;
	}

	private static long answered(Map<String, Map<String, List<String>>> received, List<String> orders) {
		return received.values()
			.stream()
			.mapToLong((byOrder) -> orders.stream().filter(byOrder::containsKey).count())
			.sum();
	}

	private static String typeOf(ConsumerRecord<String, byte[]> record) {
		Header type = record.headers().lastHeader(TYPE_HEADER);
		if (type == null) {
			return "?";
		}
		String id = new String(type.value(), StandardCharsets.UTF_8);
		// invoice-issued -> issued: the column already says which topic it is.
		int dash = id.indexOf('-');
		return (dash >= 0) ? id.substring(dash + 1) : id;
	}

	private static String table(List<String> orders, Set<String> cancelled,
			Map<String, Map<String, List<String>>> received) {
		TextTable table = new TextTable();
		List<Object> header = new ArrayList<>(List.of("order", "placed"));
		OUTPUT_OF_GROUP.forEach((group, topic) -> header.add(group));
		table.row(header.toArray());
		List<Object> topics = new ArrayList<>(List.of("", ""));
		OUTPUT_OF_GROUP.forEach((group, topic) -> topics.add("(" + topic + ")"));
		table.row(topics.toArray());
		for (String order : orders) {
			List<Object> row = new ArrayList<>();
			row.add(order.substring(0, 8));
			row.add(cancelled.contains(order) ? "then cancelled" : "created");
			for (String topic : OUTPUT_OF_GROUP.values()) {
				List<String> types = received.get(topic).getOrDefault(order, List.of());
				row.add(types.isEmpty() ? "✗ nothing" : "✓ " + String.join("+", types));
			}
			table.row(row.toArray());
		}
		return table.render("  ");
	}

	private String place(int n) {
		String body = """
				{"customerId":"customer-%d","currency":"EUR","shippingCountry":"%s",
				 "lines":[{"sku":"SKU-BOOK","quantity":%d,"unitPrice":"12.50"},{"sku":"SKU-PEN","quantity":1,"unitPrice":"1.99"}]}
				"""
			.formatted(n, (n % 2 == 0) ? "FR" : "DE", 1 + n % 3);
		HttpResponse<String> response = post(this.ordersApi, body);
		if (response.statusCode() != 201) {
			throw new IllegalStateException(
					"POST " + this.ordersApi + " answered " + response.statusCode() + ": " + response.body());
		}
		Matcher orderId = ORDER_ID.matcher(response.body());
		if (!orderId.find()) {
			throw new IllegalStateException(
					"No orderId in the answer to POST " + this.ordersApi + ": " + response.body());
		}
		return orderId.group(1);
	}

	private void cancel(String orderId) {
		URI cancel = URI.create(this.ordersApi + "/" + orderId + "/cancel");
		HttpResponse<String> response = post(cancel, "{\"reason\":\"demo: changed my mind\"}");
		if (response.statusCode() != 200) {
			throw new IllegalStateException(
					"POST " + cancel + " answered " + response.statusCode() + ": " + response.body());
		}
	}

	private HttpResponse<String> post(URI uri, String body) {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"POST " + uri + " failed: is the orders service running? (" + ex.getMessage() + ")", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
