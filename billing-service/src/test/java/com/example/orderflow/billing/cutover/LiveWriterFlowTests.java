package com.example.orderflow.billing.cutover;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orderflow.billing.invoice.BillingVersion;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Billing v1 as the live writer on a real cluster, cut over to v2 and rolled back over
 * HTTP. No v2 live instance runs here (the system tests run one), which makes what the
 * offsets do visible: v2's group gets exactly v1's committed offsets, and on roll-back v1
 * gets them back, so the orders placed in between are invoiced once, by v1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "billing.cutover.group-timeout=3s")
@RealKafka
class LiveWriterFlowTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private LiveWriterSwitch liveSwitch;

	@Autowired
	private BillingCutover cutover;

	@Autowired
	private KafkaAdmin kafkaAdmin;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	/** The cluster is shared with other test classes, which expect v1 live. */
	@AfterEach
	void v1LiveAgain() {
		if (!"v1".equals(this.cutover.current().version())) {
			this.cutover.switchTo(BillingVersion.V1);
		}
		await().atMost(Duration.ofSeconds(30)).until(this.liveSwitch::consuming);
	}

	@Test
	void v1ConsumesWhileTheLiveWriterRecordNamesIt() throws Exception {
		assertThat(this.liveSwitch.consuming()).isTrue();
		assertThat(get()).contains("\"consuming\":true").contains("\"group\":\"" + ConsumerGroups.BILLING + "\"");
	}

	@Test
	void cutOverHandsV1sCommittedOffsetsToV2AndRollBackHandsThemBack() throws Exception {
		List<OrderCreated> beforeCutover = place(5);
		this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES, ids(beforeCutover),
				eventIds(beforeCutover).toArray(UUID[]::new));

		HttpResponse<String> cutover = put("{\"version\":\"v2\"}");

		assertThat(cutover.statusCode()).isEqualTo(200);
		assertThat(cutover.body()).contains("\"live\":\"v2\"")
			.contains("\"fromGroup\":\"" + ConsumerGroups.BILLING + "\"")
			.contains("\"toGroup\":\"" + ConsumerGroups.BILLING_V2_LIVE + "\"")
			// nothing runs billing-v2-live in this test
			.contains("\"writerStarted\":false");
		assertThat(this.liveSwitch.consuming()).isFalse();
		Map<TopicPartition, Long> v1Offsets = committedOrdersOffsets(ConsumerGroups.BILLING);
		// Exactly v1's offsets; a partition v1 never committed on starts at its earliest.
		assertThat(committedOrdersOffsets(ConsumerGroups.BILLING_V2_LIVE)).hasSize(Topics.PARTITIONS)
			.containsAllEntriesOf(v1Offsets);

		List<OrderCreated> whileV2Live = place(5);

		HttpResponse<String> rollback = put("{\"version\":\"v1\"}");

		assertThat(rollback.statusCode()).isEqualTo(200);
		assertThat(rollback.body()).contains("\"live\":\"v1\"").contains("\"writerStarted\":true");
		assertThat(committedOrdersOffsetsAfter(ConsumerGroups.BILLING, v1Offsets)).isTrue();
		List<OrderCreated> all = Stream.of(beforeCutover, whileV2Live).flatMap(List::stream).toList();
		List<InvoiceIssued> invoices = this.clients
			.awaitExactlyOneResultPerEvent(ConsumerGroups.BILLING, Topics.INVOICES, ids(all),
					eventIds(all).toArray(UUID[]::new))
			.stream()
			.map(InvoiceIssued.class::cast)
			.toList();
		// v2 never consumed, so the orders placed while it was live are v1's after the
		// roll-back: once each.
		assertThat(invoices).extracting(InvoiceIssued::billingVersion).containsOnly("v1");
	}

	@Test
	void cuttingOverToTheLiveVersionIsRefused() throws Exception {
		HttpResponse<String> response = put("{\"version\":\"v1\"}");

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body()).contains("billing v1 is already the live writer");
		assertThat(this.liveSwitch.consuming()).isTrue();
	}

	@Test
	void anUnknownVersionNamesTheField() throws Exception {
		HttpResponse<String> response = put("{\"version\":\"v3\"}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("\"field\":\"version\"").contains("v3");
		assertThat(this.cutover.current().version()).isEqualTo("v1");
	}

	private List<OrderCreated> place(int count) {
		List<OrderCreated> orders = Stream.generate(TestOrders::created).limit(count).toList();
		this.clients.send(Topics.ORDERS, orders.toArray(OrderCreated[]::new));
		return orders;
	}

	private static Set<UUID> ids(List<OrderCreated> orders) {
		return orders.stream().map(OrderCreated::orderId).collect(Collectors.toSet());
	}

	private static List<UUID> eventIds(List<OrderCreated> orders) {
		return orders.stream().map(OrderCreated::eventId).toList();
	}

	private Map<TopicPartition, Long> committedOrdersOffsets(String group) throws Exception {
		try (Admin admin = Admin.create(this.kafkaAdmin.getConfigurationProperties())) {
			Map<TopicPartition, Long> offsets = new HashMap<>();
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get();
			committed.forEach((partition, offset) -> {
				if (partition.topic().equals(Topics.ORDERS) && offset != null) {
					offsets.put(partition, offset.offset());
				}
			});
			return offsets;
		}
	}

	private boolean committedOrdersOffsetsAfter(String group, Map<TopicPartition, Long> before) throws Exception {
		Map<TopicPartition, Long> now = committedOrdersOffsets(group);
		return before.entrySet().stream().allMatch((entry) -> now.get(entry.getKey()) >= entry.getValue());
	}

	private String get() throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri()).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
	}

	private HttpResponse<String> put(String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri())
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/admin/billing/live-writer");
	}

}
