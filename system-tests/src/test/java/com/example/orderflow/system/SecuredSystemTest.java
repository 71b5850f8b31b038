package com.example.orderflow.system;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.drill.BillingLiveWriter;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.TestKafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system in secured mode ({@code ./demo up --secure}): every service on
 * SASL_SSL as its own principal, the cluster denying whatever the ACL matrix does not
 * allow. Orders flow end to end with exactly one output per event and group, poison is
 * parked in each group's own dead-letter topic, the comparison classifies every order,
 * and after all of it no service was refused anything or logged a secret (checked by
 * {@link SharedSystem} after every class on the secured system). Billing's cut-over and
 * roll-back under load run on this same secured system
 * ({@link BlueGreenCutoverSystemTest}). (The refusals themselves:
 * {@code SecuredClusterTests} in local-cluster.)
 */
@SharedSystem(secured = true)
class SecuredSystemTest {

	private static final int ORDERS = 12;

	private static final int CANCEL_EVERY = 4;

	private static final String POISON_KEY = "poison-" + UUID.randomUUID();

	private static final byte[] POISON = "{\"this is\": not an order".getBytes(StandardCharsets.UTF_8);

	private static RunningSystem system;

	private static ClusterSecurity security;

	/** As the admin principal: reads every topic. */
	private static TestKafkaClients kafka;

	private static final Set<UUID> placed = ConcurrentHashMap.newKeySet();

	@BeforeAll
	static void placeOrdersOnTheSecuredSystem(RunningSystem shared) throws Exception {
		system = shared;
		security = system.cluster().security().orElseThrow();
		kafka = new TestKafkaClients(system.bootstrapServers(), system.cluster().adminClientProperties());
		// Only the orders principal may write orders: the poison comes from it.
		new TestKafkaClients(system.bootstrapServers(), security.clientProperties("orders")).sendBytes(Topics.ORDERS,
				POISON_KEY, POISON);
		placed.addAll(placeOrders(ORDERS));
		awaitEveryGroupCaughtUp();
	}

	@Test
	void everyGroupWritesExactlyOneResultPerOrderEventInSecuredMode() {
		Set<UUID> inputEventIds = eventIdsOf(placed);
		assertThat(inputEventIds).hasSize(ORDERS + ORDERS / CANCEL_EVERY);
		ConsumerGroups.OUTPUT_TOPICS.forEach((group, topic) -> {
			Map<UUID, Long> outputsPerInput = ours(kafka.readCommitted(topic), placed).stream()
				.map((record) -> ((ResultEvent) record.value()).causationId())
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			assertThat(outputsPerInput.keySet()).as("%s: inputs answered in %s", group, topic).isEqualTo(inputEventIds);
			assertThat(outputsPerInput.values()).as("%s: outputs per input in %s", group, topic).containsOnly(1L);
		});
	}

	@Test
	void aPoisonRecordIsParkedInEveryGroupsOwnDeadLetterTopic() {
		for (String group : ConsumerGroups.OUTPUT_TOPICS.keySet()) {
			assertThat(kafka.readCommittedBytes(Topics.deadLetter(group)))
				.filteredOn((record) -> POISON_KEY.equals(record.key()))
				.as(group)
				.singleElement()
				.satisfies((record) -> assertThat(record.value()).isEqualTo(POISON));
		}
	}

	@Test
	void theComparisonClassifiesEveryOrderWithNothingPendingOrMissing() {
		BillingLiveWriter billing = billing();
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

	private static BillingLiveWriter billing() {
		return new BillingLiveWriter(system.service(Stack.BILLING).baseUri(),
				system.service(Stack.BILLING_V2).baseUri());
	}

	private static Set<UUID> placeOrders(int count) {
		OrdersApi api = new OrdersApi(system.service(Stack.ORDERS).port());
		Set<UUID> orders = ConcurrentHashMap.newKeySet();
		for (int i = 0; i < count; i++) {
			UUID orderId = api.place("secured-" + (i % 5), (i % 3 == 0) ? "FR" : "DE", 1 + i % 4);
			orders.add(orderId);
			if (i % CANCEL_EVERY == 0) {
				api.cancel(orderId);
			}
		}
		return orders;
	}

	private static Set<UUID> eventIdsOf(Collection<UUID> orders) {
		return ours(kafka.readCommitted(Topics.ORDERS), orders).stream()
			.map((record) -> ((OrderEvent) record.value()).eventId())
			.collect(Collectors.toSet());
	}

	private static List<ConsumerRecord<String, Object>> ours(Collection<ConsumerRecord<String, Object>> records,
			Collection<UUID> orders) {
		Set<String> keys = orders.stream().map(UUID::toString).collect(Collectors.toSet());
		return records.stream().filter((record) -> keys.contains(record.key())).toList();
	}

	private static void awaitEveryGroupCaughtUp() throws Exception {
		Map<String, Object> config = new HashMap<>(system.cluster().adminClientProperties());
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers());
		try (Admin admin = Admin.create(config)) {
			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(lagOfEveryGroup(admin))
					.allSatisfy((group, lag) -> assertThat(lag).as(group).isZero()));
		}
	}

	private static Map<String, Long> lagOfEveryGroup(Admin admin) throws Exception {
		Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
		for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
			ends.put(new TopicPartition(Topics.ORDERS, partition), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> logEnd = new HashMap<>();
		admin.listOffsets(ends).all().get().forEach((partition, info) -> logEnd.put(partition, info.offset()));
		Map<String, Long> lag = new HashMap<>();
		for (String group : ConsumerGroups.OUTPUT_TOPICS.keySet()) {
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get();
			List<Long> behind = new ArrayList<>();
			logEnd.forEach((partition, end) -> {
				OffsetAndMetadata offset = committed.get(partition);
				behind.add(end - ((offset != null) ? offset.offset() : 0));
			});
			lag.put(group, behind.stream().mapToLong(Long::longValue).sum());
		}
		return lag;
	}

}
