package com.example.orderflow.kafka.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.observability.ListenerContainersHealthIndicator.Container;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator of a consumer service sees: readiness that follows the listener, the
 * cluster in {@code /actuator/health}, lag per partition on the scrape, and the record's
 * context in the log lines written while it is handled.
 */
@SpringBootTest(classes = ObservedConsumerApplication.class, properties = "spring.application.name=observability-test")
@RealKafka
@ExtendWith(OutputCaptureExtension.class)
class KafkaObservabilityTests {

	private static final Logger logger = LoggerFactory.getLogger(KafkaObservabilityTests.class);

	@Autowired
	HealthEndpoint health;

	@Autowired
	KafkaListenerEndpointRegistry listeners;

	@Autowired
	KafkaConnectionDetails kafka;

	@Autowired
	PrometheusMeterRegistry prometheus;

	@Test
	void readyOnceTheListenerHoldsItsPartitions() {
		ListenerAssignments.awaitAssigned(this.listeners);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP));
		assertThat(components("readiness")).containsOnlyKeys("readinessState", "kafkaListeners");
		Container observed = observedContainer();
		assertThat(observed.group()).isEqualTo(ObservedConsumerApplication.GROUP);
		assertThat(observed.running()).isTrue();
		assertThat(observed.state()).isEqualTo("consuming");
		assertThat(observed.assignedPartitions()).containsExactlyElementsOf(IntStream.range(0, Topics.PARTITIONS)
			.mapToObj((partition) -> Topics.ORDERS + "-" + partition)
			.toList());
	}

	@Test
	void aStoppedListenerMakesTheServiceNotReadyButStillAlive() {
		ListenerAssignments.awaitAssigned(this.listeners);
		MessageListenerContainer container = this.listeners
			.getListenerContainer(ObservedConsumerApplication.LISTENER_ID);
		container.stop();
		try {
			assertThat(this.health.healthForPath("readiness").getStatus()).isEqualTo(Status.DOWN);
			assertThat(observedContainer().state()).isEqualTo("stopped");
			assertThat(observedContainer().running()).isFalse();
			assertThat(this.health.healthForPath("liveness").getStatus()).isEqualTo(Status.UP);
		}
		finally {
			container.start();
			ListenerAssignments.awaitAssigned(this.listeners);
		}
	}

	@Test
	void notReadyUntilAStartedListenerHasJoinedItsGroup() {
		ListenerAssignments.awaitAssigned(this.listeners);
		MessageListenerContainer container = this.listeners
			.getListenerContainer(ObservedConsumerApplication.LISTENER_ID);
		container.stop();
		try (KafkaConsumer<String, byte[]> otherMember = memberOfTheGroup()) {
			otherMember.subscribe(List.of(Topics.ORDERS));
			await().atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
				otherMember.poll(Duration.ofMillis(100));
				return !otherMember.assignment().isEmpty();
			});
			container.start();
			// Joining is a rebalance, which waits until every member rejoins; the other
			// member does not poll now, so the listener cannot join.
			assertThat(observedContainer().state()).isEqualTo("joining");
			assertThat(this.health.healthForPath("readiness").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		}
		// Closing the other member made it leave the group: the rebalance completes.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP));
		assertThat(observedContainer().state()).isEqualTo("consuming");
	}

	@Test
	void kafkaHealthShowsTheClusterButIsInNoProbe() {
		HealthDescriptor kafka = this.health.healthForPath("kafka");
		assertThat(kafka.getStatus()).isEqualTo(Status.UP);
		// The in-JVM cluster has 3 brokers, a Testcontainers broker 1: one address each.
		assertThat(details(kafka)).containsEntry("nodes", this.kafka.getBootstrapServers().size())
			.containsKeys("clusterId", "controller");
		assertThat(((CompositeHealthDescriptor) this.health.health()).getComponents()).containsKeys("kafka",
				"kafkaListeners");
		assertThat(components("liveness")).containsOnlyKeys("livenessState");
		assertThat(components("readiness")).doesNotContainKey("kafka");
	}

	@Test
	void consumerLagPerPartitionIsOnThePrometheusScrape() {
		ListenerAssignments.awaitAssigned(this.listeners);
		// A newly assigned partition's lag is found at the next look for new client
		// metrics: every few seconds (PromptConsumerMetrics), not Micrometer's minute.
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
			List<String> lag = this.prometheus.scrape()
				.lines()
				.filter((line) -> line.startsWith("kafka_consumer_fetch_manager_records_lag{"))
				.filter((line) -> line.contains("topic=\"" + Topics.ORDERS + "\""))
				.toList();
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				String label = "partition=\"" + partition + "\"";
				assertThat(lag).anySatisfy((line) -> assertThat(line).contains(label)
					.contains("client_id=\"consumer-" + ObservedConsumerApplication.GROUP + "-"));
			}
		});
	}

	@Test
	void linesLoggedWhileARecordIsHandledNameIt(CapturedOutput output) {
		ListenerAssignments.awaitAssigned(this.listeners);
		OrderCreated order = TestOrders.created();
		new TestKafkaClients(String.join(",", this.kafka.getBootstrapServers())).send(Topics.ORDERS, order);
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(linesWith(output, "Handled order " + order.orderId())).anySatisfy(
					(line) -> assertThat(line).containsPattern(" INFO \\[group=" + ObservedConsumerApplication.GROUP
							+ " partition=\\d+ offset=\\d+ orderId=" + order.orderId() + "\\] \\d+ --- ")));
		String outside = "Logged outside any listener " + UUID.randomUUID();
		logger.info(outside);
		assertThat(linesWith(output, outside)).singleElement()
			.asString()
			.containsPattern(" INFO \\d+ --- ")
			.doesNotContain("group=")
			.doesNotContain("orderId=");
	}

	private Container observedContainer() {
		@SuppressWarnings("unchecked")
		List<Container> containers = (List<Container>) details(this.health.healthForPath("readiness", "kafkaListeners"))
			.get("containers");
		return containers.stream()
			.filter((container) -> container.id().equals(ObservedConsumerApplication.LISTENER_ID))
			.findFirst()
			.orElseThrow();
	}

	private Map<String, HealthDescriptor> components(String group) {
		return ((CompositeHealthDescriptor) this.health.healthForPath(group)).getComponents();
	}

	private static Map<String, Object> details(HealthDescriptor health) {
		return ((IndicatedHealthDescriptor) health).getDetails();
	}

	private KafkaConsumer<String, byte[]> memberOfTheGroup() {
		return new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", this.kafka.getBootstrapServers()),
						ConsumerConfig.GROUP_ID_CONFIG, ObservedConsumerApplication.GROUP,
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new StringDeserializer(), new ByteArrayDeserializer());
	}

	private static List<String> linesWith(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.contains(text)).toList();
	}

}
