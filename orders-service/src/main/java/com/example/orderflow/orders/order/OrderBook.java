package com.example.orderflow.orders.order;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Every order, by id: the state the committed events on {@code orders} add up to. The
 * topic is the system of record; {@link OrderLog} reads it into the book at start and
 * keeps reading, and this instance also applies its own events the moment they commit, so
 * an order is here before its 201 is sent. An event may so arrive twice: applying one
 * again changes nothing.
 * <p>
 * In memory: about 500 bytes per order, for as many orders as the topic keeps (see the
 * README's "Orders that survive").
 */
@Component
class OrderBook {

	private static final Logger logger = LoggerFactory.getLogger(OrderBook.class);

	private final ConcurrentMap<UUID, Order> orders = new ConcurrentHashMap<>();

	Optional<Order> find(UUID orderId) {
		return Optional.ofNullable(this.orders.get(orderId));
	}

	/** How many orders the book holds. */
	int size() {
		return this.orders.size();
	}

	/**
	 * Adds what a committed event says. Applied again, or a creation of an order that is
	 * already here, it changes nothing: the first committed creation of an order id is
	 * the order.
	 */
	void apply(OrderEvent event) {
		if (event instanceof OrderCreated created) {
			this.orders.putIfAbsent(created.orderId(), Order.from(created));
		}
		else if (event instanceof OrderCancelled cancelled && this.orders.computeIfPresent(cancelled.orderId(),
				(id, order) -> order.isCancelled() ? order : order.apply(cancelled)) == null) {
			logger.warn("Cancellation {} of order {}, which the book does not hold", cancelled.eventId(),
					cancelled.orderId());
		}
	}

}
