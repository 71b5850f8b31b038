package com.example.orderflow.fraud.check;

import java.util.Optional;

import com.example.orderflow.events.OrderCreated;

/**
 * What the rules look at.
 *
 * @param customerId the customer, {@code unknown} if a cancelled order was never seen
 * @param order the new order, or {@code null} when a cancellation re-scores the customer
 * @param cancellations how many distinct orders this customer has cancelled so far
 * @param cancellation whether a cancellation triggered this assessment
 */
record FraudCase(String customerId, OrderCreated order, int cancellations, boolean cancellation) {

	static FraudCase newOrder(OrderCreated order, int cancellations) {
		return new FraudCase(order.customerId(), order, cancellations, false);
	}

	static FraudCase cancelledOrder(String customerId, int cancellations) {
		return new FraudCase(customerId, null, cancellations, true);
	}

	/** The order, if a new order is being assessed. */
	Optional<OrderCreated> placedOrder() {
		return Optional.ofNullable(this.order);
	}

}
