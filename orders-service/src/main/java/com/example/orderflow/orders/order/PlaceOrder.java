package com.example.orderflow.orders.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;

/**
 * A valid request to place an order, with exact money. Two requests are the same order
 * exactly when they are equal, which is how a retried {@code Idempotency-Key} is told
 * from a reused one.
 *
 * @param customerId who orders
 * @param currency ISO 4217 code of every amount
 * @param shippingCountry ISO 3166-1 alpha-2 country it ships to
 * @param lines what is ordered, at least one line
 */
record PlaceOrder(String customerId, String currency, String shippingCountry, List<OrderLine> lines) {

	PlaceOrder {
		lines = List.copyOf(lines);
		if (lines.isEmpty()) {
			throw new IllegalArgumentException("An order needs at least one line");
		}
	}

	Money total() {
		return this.lines.stream().map(OrderLine::lineTotal).reduce(Money.zero(this.currency), Money::plus);
	}

	/** Whether this request is what placed the order (a retry of it, not a new order). */
	boolean placed(Order order) {
		return this.customerId.equals(order.customerId()) && this.currency.equals(order.total().currency())
				&& this.shippingCountry.equals(order.shippingCountry()) && this.lines.equals(order.lines());
	}

	OrderCreated toEvent(UUID orderId, Instant createdAt) {
		return new OrderCreated(UUID.randomUUID(), orderId, this.customerId, this.lines, total(), this.shippingCountry,
				createdAt);
	}

}
