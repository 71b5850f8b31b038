package com.example.orderflow.system;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.demo.drill.BillingLiveWriter;
import com.example.orderflow.demo.drill.FailureDrill;
import com.example.orderflow.demo.trace.OrderTraces;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.TestKafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The foundation's end-to-end proof: 200 orders placed over HTTP (every fifth cancelled)
 * against three broker processes and the service processes, each service its own
 * principal under the ACL matrix, then every claim checked from Kafka under
 * {@code read_committed}, and billing's blue/green comparison of them.
 */
@SharedSystem
class OrderFlowSystemTest {

	private static final int ORDERS = 200;

	private static final int CANCEL_EVERY = 5;

	/**
	 * Clients placing orders at once: each waits for its 201, which comes once its
	 * order's transaction is committed and visible, so the placing takes about
	 * {@code ORDERS / CLIENTS} transactions one after the other.
	 */
	private static final int CLIENTS = 40;

	/** Each group on {@code orders} and the topic it writes its results to. */
	private static final Map<String, String> OUTPUT_OF_GROUP = ConsumerGroups.OUTPUT_TOPICS;

	private static final String POISON_KEY = "poison-" + UUID.randomUUID();

	private static final byte[] POISON = "{\"this is\": not an order".getBytes(StandardCharsets.UTF_8);

	private static RunningSystem system;

	private static TestKafkaClients kafka;

	private static final Set<UUID> placed = ConcurrentHashMap.newKeySet();

	private static final Set<UUID> cancelled = ConcurrentHashMap.newKeySet();

	@BeforeAll
	static void placeOrdersOnTheRunningSystem(RunningSystem shared) throws Exception {
		system = shared;
		kafka = system.kafka();
		// Bytes no consumer can read, ahead of the orders: every group must park them and
		// go on. Only the orders principal may write orders.
		system.kafkaAs(ClusterSecurity.PRINCIPAL_OF_SERVICE.get(Stack.ORDERS))
			.sendBytes(Topics.ORDERS, POISON_KEY, POISON);
		OrdersApi api = new OrdersApi(system.service(Stack.ORDERS).port());
		long started = System.nanoTime();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < ORDERS; i++) {
				int n = i;
				calls.add(clients.submit(() -> {
					UUID orderId = api.place("customer-" + (n % 17), (n % 3 == 0) ? "FR" : "DE", 1 + n % 4);
					placed.add(orderId);
					if (n % CANCEL_EVERY == 0) {
						api.cancel(orderId);
						cancelled.add(orderId);
					}
				}));
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
		finally {
			clients.shutdown();
		}
		System.out.printf("placed %d orders over HTTP from %d clients at once, cancelled %d, in %.1f s%n",
				placed.size(), CLIENTS, cancelled.size(), (System.nanoTime() - started) / 1e9);
		await().atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofSeconds(1))
			.untilAsserted(
					() -> assertThat(lagOfEveryGroup()).allSatisfy((group, lag) -> assertThat(lag).as(group).isZero()));
		System.out.printf("every group drained %.1f s after the first order%n", (System.nanoTime() - started) / 1e9);
	}

	@Test
	void everyAcceptedOrderIsOnOrdersKeyedByOrderIdWithCancelAfterCreateOnTheSamePartition() {
		List<ConsumerRecord<String, Object>> records = ours(kafka.readCommitted(Topics.ORDERS));
		assertThat(records).hasSize(ORDERS + cancelled.size());
		Map<UUID, List<ConsumerRecord<String, Object>>> byOrder = records.stream()
			.collect(Collectors.groupingBy((record) -> UUID.fromString(record.key())));
		assertThat(byOrder.keySet()).isEqualTo(placed);
		byOrder.forEach((orderId, events) -> {
			assertThat(events)
				.allSatisfy((record) -> assertThat(((OrderEvent) record.value()).orderId()).isEqualTo(orderId));
			assertThat(events.stream().map(ConsumerRecord::partition).distinct()).hasSize(1);
			assertThat(events.get(0).value()).isInstanceOf(OrderCreated.class);
			if (cancelled.contains(orderId)) {
				assertThat(events).hasSize(2);
				assertThat(events.get(1).value()).isInstanceOf(OrderCancelled.class);
				assertThat(events.get(1).offset()).isGreaterThan(events.get(0).offset());
			}
			else {
				assertThat(events).hasSize(1);
			}
		});
	}

	@Test
	void everyGroupWritesExactlyOneResultPerOrderEvent() {
		Set<UUID> inputEventIds = ours(kafka.readCommitted(Topics.ORDERS)).stream()
			.map((record) -> ((OrderEvent) record.value()).eventId())
			.collect(Collectors.toSet());
		assertThat(inputEventIds).hasSize(ORDERS + cancelled.size());
		OUTPUT_OF_GROUP.forEach((group, topic) -> {
			Map<UUID, Long> outputsPerInput = ours(kafka.readCommitted(topic)).stream()
				.map((record) -> ((ResultEvent) record.value()).causationId())
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			assertThat(outputsPerInput.keySet()).as("%s: inputs answered in %s", group, topic).isEqualTo(inputEventIds);
			assertThat(outputsPerInput.values()).as("%s: outputs per input in %s", group, topic).containsOnly(1L);
			System.out.printf("%-22s -> %-16s %d outputs for %d order events, duplicates 0, missing 0%n", group, topic,
					outputsPerInput.size(), inputEventIds.size());
		});
	}

	@Test
	void cancelledOrdersAreVoidedAndNeverShipped() {
		Map<UUID, List<Object>> invoices = eventsByOrder(Topics.INVOICES);
		Map<UUID, List<Object>> shipments = eventsByOrder(Topics.SHIPMENTS);
		for (UUID orderId : placed) {
			List<Object> invoice = invoices.get(orderId);
			List<Object> shipment = shipments.get(orderId);
			assertThat(invoice.get(0)).isInstanceOf(InvoiceIssued.class);
			if (cancelled.contains(orderId)) {
				assertThat(invoice).last().isInstanceOf(InvoiceVoided.class);
				assertThat(shipment).last().isInstanceOf(ShipmentCancelled.class);
			}
			else {
				assertThat(invoice).hasSize(1);
				assertThat(shipment).singleElement().isInstanceOf(ShipmentScheduled.class);
			}
		}
	}

	@Test
	void everyGroupsCommittedOffsetsReachTheLogEnd() throws Exception {
		assertThat(lagOfEveryGroup()).containsOnlyKeys(OUTPUT_OF_GROUP.keySet())
			.allSatisfy((group, lag) -> assertThat(lag).as(group).isZero());
	}

	@Test
	void aPoisonRecordIsParkedUnchangedInEveryGroupsOwnDeadLetterTopic() {
		for (String group : OUTPUT_OF_GROUP.keySet()) {
			List<ConsumerRecord<String, byte[]>> parked = kafka.readCommittedBytes(Topics.deadLetter(group))
				.stream()
				.filter((record) -> POISON_KEY.equals(record.key()))
				.toList();
			assertThat(parked).as(group).singleElement().satisfies((record) -> {
				assertThat(record.value()).isEqualTo(POISON);
				assertThat(new String(record.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_FQCN).value(),
						StandardCharsets.UTF_8))
					.endsWith("DeserializationException");
			});
		}
	}

	/**
	 * {@code ./demo failures} against this system: shipping fails one order on purpose,
	 * the order travels both retry topics to the dead-letter topic, is replayed after the
	 * fault is off, and is shipped once. The drill's order is not in {@link #placed}, so
	 * the other tests never count it.
	 */
	@Test
	void aPoisonedOrderTravelsRetryTopicsToTheDeadLetterTopicAndIsProcessedOnceAfterReplay() {
		FailureDrill.Result drill = new FailureDrill(system.service(Stack.ORDERS).baseUri(),
				system.service(Stack.SHIPPING).baseUri(), system.clientProperties(),
				(line) -> System.out.println("[drill] " + line))
			.run();
		System.out.print(drill.report());
		assertThat(drill.steps()).extracting(FailureDrill.Step::name).containsExactlyElementsOf(FailureDrill.STEPS);
		assertThat(drill.steps())
			.allSatisfy((step) -> assertThat(step.passed()).as("%s: %s", step.name(), step.detail()).isTrue());
		UUID orderId = UUID.fromString(drill.orderId());
		UUID orderCreated = UUID.fromString(drill.orderCreatedEventId());
		assertThat(placed).doesNotContain(orderId);
		assertThat(kafka.awaitExactlyOneResultPerEvent(ConsumerGroups.SHIPPING, Topics.SHIPMENTS, List.of(orderId),
				orderCreated))
			.singleElement()
			.isInstanceOf(ShipmentScheduled.class);
		awaitOneTraceOfTheWholeJourney(drill.orderId());
	}

	/**
	 * The drill's order in Zipkin, read through its HTTP API as {@code ./demo trace}
	 * reads it: one trace from the POST to every group's handling, shipping's two retry
	 * hops, its parking in the dead-letter topic and the replayed handling. Every hop is
	 * a child of the order event's {@code orders send} span (README, "Follow one order").
	 */
	private static void awaitOneTraceOfTheWholeJourney(String orderId) {
		String shipping = ConsumerGroups.SHIPPING;
		String retry1 = Topics.retry(shipping, 1);
		String retry2 = Topics.retry(shipping, 2);
		String deadLetter = Topics.deadLetter(shipping);
		// Spans reach the store a second or so after they end, each service on its own.
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			List<OrderTraces.Trace> traces = system.traces().ofOrder(orderId);
			assertThat(traces).as("traces of order %s", orderId).hasSize(1);
			OrderTraces.Trace trace = traces.get(0);
			String tree = trace.render("  ");
			assertThat(trace.services()).as(tree)
				.contains(Stack.ORDERS, Stack.BILLING, Stack.SHIPPING, Stack.FRAUD, Stack.NOTIFICATION);
			OrderTraces.Span post = trace.spans().get(0);
			assertThat(post.kind()).as(tree).isEqualTo("SERVER");
			assertThat(post.service()).as(tree).isEqualTo(Stack.ORDERS);
			// Its parent is the drill's own request, which no store holds.
			assertThat(trace.parentOf(post)).as(tree).isEmpty();
			OrderTraces.Span send = single(trace, Topics.ORDERS + " send", tree);
			assertThat(send.parentId()).as(tree).isEqualTo(post.id());
			for (String group : ConsumerGroups.ALL) {
				assertThat(trace.named(group + " process")).as(tree)
					.filteredOn((span) -> topicOf(span).equals(Topics.ORDERS))
					.singleElement()
					.satisfies((span) -> assertThat(span.parentId()).isEqualTo(send.id()));
			}
			List<OrderTraces.Span> hops = trace.named(shipping + " process");
			assertThat(hops).as(tree).allSatisfy((span) -> assertThat(span.parentId()).isEqualTo(send.id()));
			assertThat(hops).as(tree)
				.extracting(OrderFlowSystemTest::hop)
				.containsExactly(Topics.ORDERS + " -> " + retry1, retry1 + " -> " + retry2,
						retry2 + " -> " + deadLetter, retry1 + " ok");
			assertThat(single(trace, deadLetter + " receive", tree).parentId()).as(tree).isEqualTo(send.id());
		});
		System.out.println("[trace] order " + orderId + ":\n" + system.traces().ofOrder(orderId).get(0).render("  "));
	}

	private static OrderTraces.Span single(OrderTraces.Trace trace, String name, String tree) {
		List<OrderTraces.Span> named = trace.named(name);
		assertThat(named).as("spans named %s in\n%s", name, tree).hasSize(1);
		return named.get(0);
	}

	private static String topicOf(OrderTraces.Span span) {
		return span.tag("messaging.destination.name").orElse("");
	}

	/** Where a record was handled and where it went: its span's topic and routing. */
	private static String hop(OrderTraces.Span span) {
		return topicOf(span) + span.tag("orderflow.routed.to")
			.map((next) -> " -> " + next)
			.orElse(span.tag("error").isPresent() ? " failed" : " ok");
	}

	@Test
	void theComparisonClassifiesEveryOrderWithNothingPendingOrMissing() {
		BillingLiveWriter billing = new BillingLiveWriter(system.service(Stack.BILLING).baseUri(),
				system.service(Stack.BILLING_V2).baseUri());
		// v2 prices tax per line, v1 per order: some orders differ by a rounding cent,
		// and a mismatch is a classification too.
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			assertThat(placed).allSatisfy((orderId) -> assertThat(billing.comparisonOf(orderId.toString()))
				.as("comparison of order %s", orderId)
				.hasValueSatisfying(
						(comparison) -> assertThat(comparison.path("result").asString()).isIn("MATCH", "MISMATCH")));
			JsonNode comparison = billing.comparison();
			assertThat(comparison.path("pending").asLong()).as(BillingLiveWriter.summary(comparison)).isZero();
		});
		JsonNode comparison = billing.comparison();
		assertThat(comparison.path("missingInV1").asLong()).as(BillingLiveWriter.summary(comparison)).isZero();
		assertThat(comparison.path("missingInV2").asLong()).as(BillingLiveWriter.summary(comparison)).isZero();
	}

	@Test
	void everyServiceExposesHealthInfoAndPrometheusAndNothingElse() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		for (ServiceProcess service : system.services()) {
			Map<String, Integer> statusOf = new TreeMap<>();
			String readiness = "";
			for (String path : List.of("health/liveness", "health/readiness", "info", "prometheus", "env", "beans",
					"configprops", "loggers", "heapdump")) {
				HttpRequest request = HttpRequest.newBuilder(service.baseUri().resolve("/actuator/" + path))
					.timeout(Duration.ofSeconds(10))
					.build();
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				statusOf.put(path, response.statusCode());
				if (path.equals("health/readiness")) {
					readiness = response.body();
				}
			}
			// The readiness body names a listener container that does not consume.
			assertThat(statusOf).as("%s (readiness: %s)", service.name(), readiness)
				.containsEntry("health/liveness", 200)
				.containsEntry("health/readiness", 200)
				.containsEntry("info", 200)
				.containsEntry("prometheus", 200)
				.containsEntry("env", 404)
				.containsEntry("beans", 404)
				.containsEntry("configprops", 404)
				.containsEntry("loggers", 404)
				.containsEntry("heapdump", 404);
		}
	}

	private static Map<UUID, List<Object>> eventsByOrder(String topic) {
		Map<UUID, List<Object>> events = new HashMap<>();
		for (ConsumerRecord<String, Object> record : ours(kafka.readCommitted(topic))) {
			events.computeIfAbsent(UUID.fromString(record.key()), (id) -> new ArrayList<>()).add(record.value());
		}
		return events;
	}

	private static List<ConsumerRecord<String, Object>> ours(Collection<ConsumerRecord<String, Object>> records) {
		Set<String> keys = placed.stream().map(UUID::toString).collect(Collectors.toSet());
		return records.stream().filter((record) -> keys.contains(record.key())).toList();
	}

	/**
	 * Per group: the sum over partitions of {@code orders} of log end minus committed
	 * offset.
	 */
	private static Map<String, Long> lagOfEveryGroup() throws Exception {
		try (Admin admin = Admin.create(system.clientProperties())) {
			Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				ends.put(new TopicPartition(Topics.ORDERS, partition), OffsetSpec.latest());
			}
			Map<TopicPartition, Long> logEnd = admin.listOffsets(ends)
				.all()
				.get()
				.entrySet()
				.stream()
				.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
			Map<String, Long> lag = new HashMap<>();
			for (String group : OUTPUT_OF_GROUP.keySet()) {
				Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
					.partitionsToOffsetAndMetadata()
					.get();
				long total = 0;
				for (Map.Entry<TopicPartition, Long> end : logEnd.entrySet()) {
					OffsetAndMetadata offset = committed.get(end.getKey());
					total += end.getValue() - ((offset != null) ? offset.offset() : 0);
				}
				lag.put(group, total);
			}
			return lag;
		}
	}

}
