package com.example.orderflow.kafka.consumer;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.FailingPolls;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A poll that throws, on a real consumer of the in-JVM cluster: the container polls again
 * when the exception says the group moved under the poll (Kafka 4.3.1's consumer throws
 * {@link StaleMemberEpochException} out of {@code poll()} when the group fenced it while
 * it fetched its committed offsets; the likely end of a notification-service container
 * that stayed stopped after two brokers of three had been down), and stops on anything it
 * cannot place. Same application and properties as {@link TransactionPerBatchTests}, so
 * the two share one context.
 */
@SpringBootTest(classes = BatchTestApplication.class,
		properties = { "spring.application.name=batch-tests", "test.group=" + TransactionPerBatchTests.GROUP,
				"test.output=" + TransactionPerBatchTests.OUTPUT, "orderflow.instance-id=first" })
@RealKafka
class StopOnUnknownErrorsTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private FailingPolls failingPolls;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void aPollThatFailsBecauseTheGroupMovedOnIsPolledAgainAndItsRecordsAreHandledOnce() {
		OrderCreated order = TestOrders.created(UUID.randomUUID(), "customer-1", "DE");
		this.failingPolls.arm(Topics.ORDERS, new StaleMemberEpochException(
				"The member epoch is stale (a test's fault, as Kafka 4.3.1 throws it from poll)"));

		this.clients.send(Topics.ORDERS, order);

		await().atMost(Duration.ofSeconds(30)).until(this.failingPolls::thrown);
		this.clients.awaitExactlyOneResultPerEvent(TransactionPerBatchTests.GROUP, TransactionPerBatchTests.OUTPUT,
				Set.of(order.orderId()), order.eventId());
		MessageListenerContainer orders = ordersContainer();
		assertThat(orders.isRunning()).as("running").isTrue();
		assertThat(orders.isInExpectedState()).as("in its expected state").isTrue();
	}

	@Test
	void aPollThatFailsForAReasonItCannotPlaceStopsTheContainer() {
		MessageListenerContainer orders = ordersContainer();
		this.failingPolls.arm(Topics.ORDERS,
				new KafkaException("Unexpected error in fetch offset response (a test's fault)"));
		try {
			await().atMost(Duration.ofSeconds(30)).until(this.failingPolls::thrown);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(orders.isInExpectedState()).as("in its expected state").isFalse());
			assertThat(orders.isRunning()).as("running").isFalse();
		}
		finally {
			orders.start();
			ListenerAssignments.awaitAssigned(this.registry);
		}
	}

	private MessageListenerContainer ordersContainer() {
		return this.registry.getListenerContainer(BatchTestApplication.ORDERS_LISTENER);
	}

}
