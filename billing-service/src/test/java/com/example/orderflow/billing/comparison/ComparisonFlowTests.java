package com.example.orderflow.billing.comparison;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.RecordCheck;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The comparison in the billing-v2 shadow process, as the local stack runs it: invoices
 * written to both topics are matched by orderId and show up in the summary, the
 * differences, the comparison topic and the metrics. The grace period is long here, so
 * that the one-sided orders other test classes left on the topics stay pending while this
 * class counts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "billing.version=v2", "billing.comparison.enabled=true", "billing.comparison.grace-period=1h" })
@RealKafka
// The comparison group has one member per cluster: never leave this context running.
@DirtiesContext
class ComparisonFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private InvoiceComparison comparison;

	@Autowired
	private KafkaTemplate<Object, Object> template;

	@LocalServerPort
	private int port;

	private ComparisonHttp http;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
		this.http = new ComparisonHttp(this.port);
	}

	@Test
	void matchesInvoicesByOrderIdAndServesTheSummaryTheDifferencesAndTheMetrics() {
		JsonNode before = this.http.summary();
		UUID matched = UUID.randomUUID();
		UUID mismatched = UUID.randomUUID();

		this.clients.send(Topics.INVOICES, TestInvoices.issued(matched, "v1", "1.33"),
				TestInvoices.issued(mismatched, "v1", "1.33"));
		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(matched, "v2", "1.33"),
				TestInvoices.issued(mismatched, "v2", "1.32"));

		awaitResult(matched, "MATCH");
		awaitResult(mismatched, "MISMATCH");
		JsonNode summary = this.http.summary();
		assertThat(summary.path("status").asString()).isEqualTo("running");
		assertThat(count(summary, "match")).isEqualTo(count(before, "match") + 1);
		assertThat(count(summary, "mismatch")).isEqualTo(count(before, "mismatch") + 1);
		assertThat(count(summary, "compared")).isEqualTo(count(before, "compared") + 2);
		assertThat(count(summary.path("byLiveVersion").path("v1"), "mismatch"))
			.isEqualTo(count(before.path("byLiveVersion").path("v1"), "mismatch") + 1);
		assertThat(summary.path("matchRate").asDouble())
			.isEqualTo((double) count(summary, "match") / count(summary, "compared"));
		for (String field : List.of("match", "mismatch", "missingInV2", "missingInV1", "pending", "compared",
				"matchRate")) {
			assertThat(summary.has(field)).as("summary field %s", field).isTrue();
		}

		JsonNode difference = this.http.differences(10).get(0);
		assertThat(difference.path("orderId").asString()).isEqualTo(mismatched.toString());
		assertThat(difference.path("result").asString()).isEqualTo("MISMATCH");
		assertThat(difference.path("when").asString()).isNotBlank();
		assertThat(difference.path("fields").values())
			.extracting((field) -> field.path("field").asString() + ": " + field.path("v1").asString() + " / "
					+ field.path("v2").asString())
			.containsExactly("tax: 1.33 EUR / 1.32 EUR", "total: 8.31 EUR / 8.30 EUR");

		assertThat(compared("match", "v1")).isEqualTo(count(summary.path("byLiveVersion").path("v1"), "match"));
		assertThat(compared("mismatch", "v1")).isEqualTo(count(summary.path("byLiveVersion").path("v1"), "mismatch"));
		assertThat(prometheusValue("orderflow_billing_comparison_total", "mismatch", "v1"))
			.isEqualTo(count(summary.path("byLiveVersion").path("v1"), "mismatch"));
		assertThat(prometheusValue("orderflow_billing_comparison_unresolved", "pending", "v1"))
			.isEqualTo(count(summary.path("byLiveVersion").path("v1"), "pending"));
	}

	@Test
	void writesOneStateRecordPerOrderToTheCompactedComparisonTopicWithTheOffsetsTransaction() {
		UUID orderId = UUID.randomUUID();

		this.clients.send(Topics.INVOICES, TestInvoices.issued(orderId, "v1", "1.33"));
		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(orderId, "v2", "1.32"));

		awaitResult(orderId, "MISMATCH");
		// The result is in memory before its transaction's commit marker reaches the
		// partition: wait for the committed state record.
		JsonNode latest = await().atMost(Duration.ofSeconds(30))
			.until(() -> latestCommittedState(orderId),
					(state) -> state != null && "MISMATCH".equals(state.path("result").asString()));
		assertThat(latest.path("result").asString()).isEqualTo("MISMATCH");
		assertThat(latest.path("v1").path("invoice").path("tax").path("amount").asString()).isEqualTo("1.33");
		assertThat(latest.path("v2").path("invoice").path("tax").path("amount").asString()).isEqualTo("1.32");
		assertThat(latest.path("v1").path("billingVersion").asString()).isEqualTo("v1");
	}

	@Test
	void readsBothInvoiceTopicsAsItsOwnGroupOutsideTheBillingGroupsWiring() {
		MessageListenerContainer container = this.registry.getListenerContainer(ComparisonListener.ID);
		assertThat(container.getGroupId()).isEqualTo(ConsumerGroups.BILLING_COMPARISON);
		assertThat(Arrays.asList(container.getContainerProperties().getTopics()))
			.containsExactlyInAnyOrder(Topics.INVOICES, Topics.INVOICES_V2);
		UUID orderId = UUID.randomUUID();

		// FailEveryInvoice below would make every comparison fail, and the billing
		// group's metrics would count invoices, if the comparison ran through the
		// billing group's record interceptor.
		this.clients.send(Topics.INVOICES, TestInvoices.issued(orderId, "v1", "1.33"));
		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(orderId, "v2", "1.33"));

		awaitResult(orderId, "MATCH");
		assertThat(this.meters.find("orderflow.events.processed").tag("type", EventTypes.INVOICE_ISSUED).counter())
			.isNull();
		assertThat(this.meters.find("orderflow.events.failed").tag("type", EventTypes.INVOICE_ISSUED).counter())
			.isNull();
	}

	@Test
	void eachConsumerReadsTheSamePartitionNumbersOfBothInvoiceTopicsSoAnOrderHasOneWriter() {
		MessageListenerContainer container = this.registry.getListenerContainer(ComparisonListener.ID);
		int partitions = 2 * Topics.PARTITIONS;

		Map<String, Collection<TopicPartition>> byConsumer = await().atMost(Duration.ofSeconds(60))
			.until(container::getAssignmentsByClientId, (assignments) -> assignments != null
					&& assignments.values().stream().mapToInt(Collection::size).sum() == partitions);

		assertThat(byConsumer.values().stream().filter((assigned) -> !assigned.isEmpty()))
			.as("consumers with partitions")
			.hasSizeGreaterThan(1);
		byConsumer.forEach((consumer, assigned) -> assertThat(partitionNumbers(assigned, Topics.INVOICES_V2))
			.as("%s: the partitions of %s against those of %s", consumer, Topics.INVOICES_V2, Topics.INVOICES)
			.isEqualTo(partitionNumbers(assigned, Topics.INVOICES)));
	}

	private static Set<Integer> partitionNumbers(Collection<TopicPartition> assigned, String topic) {
		return assigned.stream()
			.filter((partition) -> partition.topic().equals(topic))
			.map(TopicPartition::partition)
			.collect(Collectors.toSet());
	}

	@Test
	void unreadableRecordOnAnInvoiceTopicIsCountedAndSkippedAndTheComparisonGoesOn() {
		UUID orderId = UUID.randomUUID();
		double unreadableBefore = unreadable();

		// Same key, so the same partition: the invoice queues behind the poison record.
		this.clients.sendBytes(Topics.INVOICES, orderId.toString(), "{not an invoice".getBytes(StandardCharsets.UTF_8));
		this.clients.send(Topics.INVOICES, TestInvoices.issued(orderId, "v1", "1.33"));
		this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(orderId, "v2", "1.33"));

		awaitResult(orderId, "MATCH");
		assertThat(unreadable()).isEqualTo(unreadableBefore + 1);
	}

	@Test
	void comparesAPollsInvoicesInOneTransactionWithTheirOffsets() {
		MessageListenerContainer container = this.registry.getListenerContainer(ComparisonListener.ID);
		// A backlog, so that polls return many invoices at once.
		container.stop();
		List<UUID> orders = IntStream.range(0, 40).mapToObj((i) -> UUID.randomUUID()).toList();
		for (UUID orderId : orders) {
			this.clients.send(Topics.INVOICES, TestInvoices.issued(orderId, "v1", "1.33"));
			this.clients.send(Topics.INVOICES_V2, TestInvoices.issued(orderId, "v2", "1.33"));
		}
		container.start();

		// One or two state records per order: one when both its invoices came in one
		// poll.
		List<ConsumerRecord<String, byte[]>> states = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> committedStates(orders),
					(written) -> latestResults(written).values().stream().filter("MATCH"::equals).count() == orders
						.size());
		assertThat(states).hasSizeLessThanOrEqualTo(2 * orders.size());
		// A transaction's records sit side by side in a partition, and its commit marker
		// takes the next offset: one run of consecutive offsets per transaction and
		// partition. One transaction per invoice would give one run per record (80). Per
		// poll, each of the three consumers writes the states of its two partition
		// numbers, in one to three polls here: 6-8 runs in three runs of this test.
		assertThat(runsOfConsecutiveOffsets(states)).isLessThanOrEqualTo(orders.size() / 2);
		orders.forEach((orderId) -> awaitResult(orderId, "MATCH"));
	}

	@Test
	void writesEachOrdersLatestStateOncePerPollInThePollsTransaction() {
		List<UUID> orders = IntStream.range(0, 3).mapToObj((i) -> UUID.randomUUID()).toList();

		int saved = this.template.executeInTransaction((operations) -> {
			InvoiceComparison.Poll poll = this.comparison.poll();
			for (UUID orderId : orders) {
				poll.issued(Side.V1, TestInvoices.issued(orderId, "v1", "1.33"));
				poll.issued(Side.V2, TestInvoices.issued(orderId, "v2", "1.33"));
			}
			return poll.save();
		});

		assertThat(saved).isEqualTo(orders.size());
		// One transaction: its records become visible together.
		List<ConsumerRecord<String, byte[]>> states = await().atMost(Duration.ofSeconds(30))
			.until(() -> committedStates(orders), (written) -> !written.isEmpty());
		assertThat(states).hasSize(orders.size());
		assertThat(latestResults(states)).hasSize(orders.size())
			.allSatisfy((orderId, result) -> assertThat(result).isEqualTo("MATCH"));
	}

	private static Map<String, String> latestResults(List<ConsumerRecord<String, byte[]>> states) {
		JsonMapper json = JsonMapper.builder().build();
		Map<String, String> results = new HashMap<>();
		states.forEach((record) -> results.put(record.key(),
				json.readTree(new String(record.value(), StandardCharsets.UTF_8)).path("result").asString()));
		return results;
	}

	private List<ConsumerRecord<String, byte[]>> committedStates(List<UUID> orders) {
		Set<String> keys = orders.stream().map(UUID::toString).collect(Collectors.toSet());
		return this.clients.readCommittedBytes(Topics.BILLING_COMPARISON)
			.stream()
			.filter((record) -> keys.contains(record.key()))
			.toList();
	}

	private static long runsOfConsecutiveOffsets(List<ConsumerRecord<String, byte[]>> records) {
		Map<Integer, List<Long>> offsets = records.stream()
			.collect(Collectors.groupingBy(ConsumerRecord::partition,
					Collectors.mapping(ConsumerRecord::offset, Collectors.toList())));
		long runs = 0;
		for (List<Long> partition : offsets.values()) {
			List<Long> sorted = partition.stream().sorted().toList();
			for (int i = 0; i < sorted.size(); i++) {
				if (i == 0 || sorted.get(i) != sorted.get(i - 1) + 1) {
					runs++;
				}
			}
		}
		return runs;
	}

	private JsonNode latestCommittedState(UUID orderId) {
		List<ConsumerRecord<String, byte[]>> states = this.clients.readCommittedBytes(Topics.BILLING_COMPARISON)
			.stream()
			.filter((record) -> orderId.toString().equals(record.key()))
			.toList();
		if (states.isEmpty()) {
			return null;
		}
		return JsonMapper.builder()
			.build()
			.readTree(new String(states.get(states.size() - 1).value(), StandardCharsets.UTF_8));
	}

	private void awaitResult(UUID orderId, String result) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(this.http.order(orderId))
				.hasValueSatisfying((order) -> assertThat(order.path("result").asString()).isEqualTo(result)));
	}

	private double compared(String result, String live) {
		return this.meters.get(ComparisonMetrics.COMPARED)
			.tag("result", result)
			.tag("live", live)
			.functionCounter()
			.count();
	}

	private double unreadable() {
		var counter = this.meters.find(ComparisonMetrics.UNREADABLE).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double prometheusValue(String name, String result, String live) {
		Pattern line = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = line.matcher(this.http.prometheus());
		while (matcher.find()) {
			String labels = matcher.group(1);
			if (labels.contains("result=\"" + result + "\"") && labels.contains("live=\"" + live + "\"")) {
				return Double.parseDouble(matcher.group(2));
			}
		}
		throw new AssertionError("No " + name + "{result=" + result + ",live=" + live + "} on /actuator/prometheus");
	}

	private static long count(JsonNode summary, String field) {
		return summary.path(field).asLong();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FailEveryInvoice {

		@Bean
		RecordCheck failEveryInvoice() {
			return (record) -> {
				if (record.value() instanceof InvoiceIssued) {
					throw new IllegalStateException("The comparison must not run the billing group's record checks");
				}
			};
		}

	}

}
