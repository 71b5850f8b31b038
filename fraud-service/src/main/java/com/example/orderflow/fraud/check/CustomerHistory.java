package com.example.orderflow.fraud.check;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;

/**
 * What fraud remembers across events: whose each order was, and which orders each
 * customer cancelled. In memory and per instance: lost on restart and not handed over
 * with a partition in a rebalance; a production service would keep it in a compacted
 * topic or a database. Every write is idempotent, so a redelivered event changes nothing.
 */
class CustomerHistory {

	static final String UNKNOWN_CUSTOMER = "unknown";

	private final Map<UUID, String> customerByOrder = new ConcurrentHashMap<>();

	private final Map<String, Set<UUID>> cancelledOrdersByCustomer = new ConcurrentHashMap<>();

	void ordered(OrderCreated order) {
		this.customerByOrder.putIfAbsent(order.orderId(), order.customerId());
	}

	/**
	 * Records the cancellation and answers whose order it was ({@value #UNKNOWN_CUSTOMER}
	 * if its order was never seen, and then nothing is counted).
	 */
	String cancelled(OrderCancelled cancellation) {
		String customerId = this.customerByOrder.get(cancellation.orderId());
		if (customerId == null) {
			return UNKNOWN_CUSTOMER;
		}
		this.cancelledOrdersByCustomer.computeIfAbsent(customerId, (customer) -> ConcurrentHashMap.newKeySet())
			.add(cancellation.orderId());
		return customerId;
	}

	int cancellationsOf(String customerId) {
		Set<UUID> cancelled = this.cancelledOrdersByCustomer.get(customerId);
		return (cancelled != null) ? cancelled.size() : 0;
	}

}
