package com.example.orderflow.fraud.check;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.FraudAssessed;
import com.example.orderflow.events.FraudDecision;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.TestOrders;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@RealKafka
class FraudFlowTests {

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private TestKafkaClients clients;

	@BeforeEach
	void awaitPartitions() {
		ListenerAssignments.awaitAssigned(this.registry);
	}

	@Test
	void everyOrderEventGetsExactlyOneAssessment() {
		OrderCreated ordinary = TestOrders.created();
		OrderCreated blocked = TestOrders.created(UUID.randomUUID(), "blocked-" + UUID.randomUUID(), "DE");
		OrderCancelled cancellation = TestOrders.cancelled(blocked);

		this.clients.send(Topics.ORDERS, ordinary, blocked, cancellation);

		Set<UUID> orderIds = Set.of(ordinary.orderId(), blocked.orderId());
		List<ResultEvent> results = this.clients.awaitExactlyOneResultPerEvent(ConsumerGroups.FRAUD,
				Topics.FRAUD_DECISIONS, orderIds, ordinary.eventId(), blocked.eventId(), cancellation.eventId());

		assertThat(results).hasOnlyElementsOfType(FraudAssessed.class);
		List<FraudAssessed> assessments = results.stream().map(FraudAssessed.class::cast).toList();
		assertThat(assessments).filteredOn((assessed) -> assessed.causationId().equals(ordinary.eventId()))
			.singleElement()
			.extracting(FraudAssessed::decision)
			.isEqualTo(FraudDecision.APPROVED);
		assertThat(assessments).filteredOn((assessed) -> assessed.causationId().equals(blocked.eventId()))
			.singleElement()
			.satisfies((assessed) -> {
				assertThat(assessed.decision()).isEqualTo(FraudDecision.REJECTED);
				assertThat(assessed.reasons()).containsExactly("customer on block list");
			});
		assertThat(assessments).filteredOn((assessed) -> assessed.causationId().equals(cancellation.eventId()))
			.singleElement()
			.satisfies((assessed) -> {
				assertThat(assessed.decision()).isEqualTo(FraudDecision.REJECTED);
				assertThat(assessed.reasons()).containsExactly("customer on block list", "order cancelled");
			});
	}

}
