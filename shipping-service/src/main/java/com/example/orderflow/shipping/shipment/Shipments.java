package com.example.orderflow.shipping.shipment;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;

/**
 * Decides what happens to each order's shipment. A cancellation can be handled before its
 * order once retries stop being blocking, so cancellations are remembered: an order whose
 * cancellation came first is never scheduled. Timestamps are the input event's, so a
 * redelivered event gives the same result (only the new eventId differs).
 */
class Shipments {

	static final String CANCELLED_BEFORE_SCHEDULING = "cancelled before scheduling";

	static final String ORDER_CANCELLED = "order cancelled";

	// In memory and per instance: lost on restart and not handed over with a partition
	// in a rebalance. A production service would keep it in a compacted topic or a
	// database. Writes are idempotent, so a redelivered cancellation changes nothing.
	private final Map<UUID, Instant> cancelledOrders = new ConcurrentHashMap<>();

	/**
	 * A {@link ShipmentScheduled}, or a {@link ShipmentCancelled} if the order was
	 * already cancelled.
	 */
	ResultEvent schedule(OrderCreated order) {
		Instant cancelledAt = this.cancelledOrders.get(order.orderId());
		if (cancelledAt != null) {
			return new ShipmentCancelled(UUID.randomUUID(), order.orderId(), order.eventId(),
					CANCELLED_BEFORE_SCHEDULING, cancelledAt);
		}
		return new ShipmentScheduled(UUID.randomUUID(), order.orderId(), order.eventId(), order.shippingCountry(),
				Carriers.forCountry(order.shippingCountry()), DispatchCalendar.dispatchDay(order.createdAt()),
				order.createdAt());
	}

	ShipmentCancelled cancel(OrderCancelled cancellation) {
		this.cancelledOrders.putIfAbsent(cancellation.orderId(), cancellation.cancelledAt());
		return new ShipmentCancelled(UUID.randomUUID(), cancellation.orderId(), cancellation.eventId(), ORDER_CANCELLED,
				cancellation.cancelledAt());
	}

}
