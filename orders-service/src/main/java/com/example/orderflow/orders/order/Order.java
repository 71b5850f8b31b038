package com.example.orderflow.orders.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * An order as this service knows it: the state its committed events add up to. It is also
 * what {@code GET /api/orders/{id}} returns.
 *
 * @param orderId the order
 * @param customerId who ordered
 * @param shippingCountry ISO 3166-1 alpha-2 country it ships to
 * @param lines what was ordered
 * @param total the sum of all line totals
 * @param status created or cancelled
 * @param createdAt when the order was accepted
 * @param cancelledAt when it was cancelled, if it was
 * @param cancellationReason why, if the caller said
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Order(UUID orderId, String customerId, String shippingCountry, List<OrderLine> lines, Money total,
		OrderStatus status, Instant createdAt, @Nullable Instant cancelledAt, @Nullable String cancellationReason) {

	Order {
		lines = List.copyOf(lines);
	}

	static Order from(OrderCreated created) {
		return new Order(created.orderId(), created.customerId(), created.shippingCountry(), created.lines(),
				created.total(), OrderStatus.CREATED, created.createdAt(), null, null);
	}

	Order apply(OrderCancelled cancelled) {
		return new Order(this.orderId, this.customerId, this.shippingCountry, this.lines, this.total,
				OrderStatus.CANCELLED, this.createdAt, cancelled.cancelledAt(), cancelled.reason());
	}

	boolean isCancelled() {
		return this.status == OrderStatus.CANCELLED;
	}

}
