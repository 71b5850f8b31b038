package com.example.orderflow.fraud.check;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.FraudAssessed;
import com.example.orderflow.events.FraudDecision;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;

/**
 * Scores orders, and re-scores a customer when they cancel one. The score is the sum of
 * the points of every rule that applies, at most 100. The assessment's time is the input
 * event's, so a redelivered event gives the same result (only the new eventId differs).
 */
class FraudCheck {

	private static final int MAX_SCORE = 100;

	private final List<FraudRule> rules;

	private final FraudProperties properties;

	private final CustomerHistory history = new CustomerHistory();

	FraudCheck(FraudProperties properties) {
		this.properties = properties;
		this.rules = List.of(new FraudRule.HighOrderValue(properties.highOrderValueOver()),
				new FraudRule.BulkQuantity(properties.bulkQuantityOver()),
				new FraudRule.HighRiskCountry(properties.highRiskCountries()),
				new FraudRule.BlockedCustomer(properties.blockListPrefix()),
				new FraudRule.FrequentCancellations(properties.frequentCancellationsOver()),
				new FraudRule.CancelledOrder());
	}

	FraudAssessed assess(OrderCreated order) {
		this.history.ordered(order);
		FraudCase fraudCase = FraudCase.newOrder(order, this.history.cancellationsOf(order.customerId()));
		return assessment(fraudCase, order.orderId(), order.eventId(), order.createdAt());
	}

	FraudAssessed reassess(OrderCancelled cancellation) {
		String customerId = this.history.cancelled(cancellation);
		FraudCase fraudCase = FraudCase.cancelledOrder(customerId, this.history.cancellationsOf(customerId));
		return assessment(fraudCase, cancellation.orderId(), cancellation.eventId(), cancellation.cancelledAt());
	}

	private FraudAssessed assessment(FraudCase fraudCase, UUID orderId, UUID causationId, Instant at) {
		List<FraudRule> applying = this.rules.stream().filter((rule) -> rule.appliesTo(fraudCase)).toList();
		int score = Math.min(MAX_SCORE, applying.stream().mapToInt(FraudRule::points).sum());
		return new FraudAssessed(UUID.randomUUID(), orderId, causationId, decide(score), score,
				applying.stream().map(FraudRule::reason).toList(), at);
	}

	private FraudDecision decide(int score) {
		if (score >= this.properties.rejectAt()) {
			return FraudDecision.REJECTED;
		}
		if (score >= this.properties.reviewAt()) {
			return FraudDecision.REVIEW;
		}
		return FraudDecision.APPROVED;
	}

}
