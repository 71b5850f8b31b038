package com.example.orderflow.orders.order;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.springframework.stereotype.Component;

/**
 * Every order this instance accepted, by id. In memory on purpose: the {@code orders}
 * topic is the system of record and this service only needs its own recent state to
 * answer reads and refuse a second cancellation. The book is lost on restart (and is not
 * shared between instances); a production service would rebuild it from the topic or keep
 * it in a database.
 */
@Component
class OrderBook {

	private final ConcurrentMap<UUID, Order> orders = new ConcurrentHashMap<>();

	Optional<Order> find(UUID orderId) {
		return Optional.ofNullable(this.orders.get(orderId));
	}

	void add(Order order) {
		if (this.orders.putIfAbsent(order.orderId(), order) != null) {
			throw new IllegalStateException("Order " + order.orderId() + " is already in the book");
		}
	}

	/** How many orders the book holds. */
	int size() {
		return this.orders.size();
	}

	void update(Order order) {
		if (this.orders.replace(order.orderId(), order) == null) {
			throw new IllegalStateException("Order " + order.orderId() + " is not in the book");
		}
	}

}
