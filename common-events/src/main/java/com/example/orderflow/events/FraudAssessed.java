package com.example.orderflow.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Fraud scored an order.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderEvent} this answers
 * @param decision approved, review or rejected
 * @param score the risk score, 0 (none) to 100
 * @param reasons the rules that added to the score
 * @param assessedAt when
 */
public record FraudAssessed(UUID eventId, UUID orderId, UUID causationId, FraudDecision decision, int score,
		List<String> reasons, Instant assessedAt) implements ResultEvent {

	public FraudAssessed {
		reasons = List.copyOf(reasons);
	}

}
