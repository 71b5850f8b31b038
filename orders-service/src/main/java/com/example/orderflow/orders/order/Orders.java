package com.example.orderflow.orders.order;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Places and cancels orders. The rule throughout: the event is committed to the cluster
 * first, and only then does the order (or its new state) exist here. A failure in between
 * changes nothing.
 */
@Service
class Orders {

	private static final Logger logger = LoggerFactory.getLogger(Orders.class);

	private final OrderBook book;

	private final OrderEvents events;

	private final IdempotencyKeys idempotencyKeys;

	/** Cancellations in flight, so that concurrent cancels emit one event. */
	private final ConcurrentMap<UUID, CompletableFuture<Order>> cancelling = new ConcurrentHashMap<>();

	Orders(OrderBook book, OrderEvents events, IdempotencyKeys idempotencyKeys) {
		this.book = book;
		this.events = events;
		this.idempotencyKeys = idempotencyKeys;
	}

	/**
	 * Places an order, once per idempotency key if one is given. Nothing waits for the
	 * commit: the future completes when it is done.
	 * @return the order as it was placed, once its event is committed
	 */
	CompletableFuture<Order> place(PlaceOrder command, @Nullable String idempotencyKey) {
		if (idempotencyKey == null) {
			return placeNow(command);
		}
		return this.idempotencyKeys.placeOnce(idempotencyKey, command, () -> placeNow(command));
	}

	private CompletableFuture<Order> placeNow(PlaceOrder command) {
		OrderCreated created = command.toEvent(UUID.randomUUID(), Instant.now());
		return this.events.created(created).thenApply((committed) -> {
			Order order = Order.from(created);
			this.book.add(order);
			logger.info("Accepted order {} of customer {}: {} {}", order.orderId(), order.customerId(),
					order.total().amount().toPlainString(), order.total().currency());
			return order;
		});
	}

	/**
	 * Cancels an order. Cancelling a cancelled order changes nothing and emits nothing.
	 * @return the cancelled order
	 * @throws OrderNotFoundException if there is no such order
	 */
	Order cancel(UUID orderId, @Nullable String reason) {
		Order order = find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
		if (order.isCancelled()) {
			return order;
		}
		CompletableFuture<Order> mine = new CompletableFuture<>();
		CompletableFuture<Order> running = this.cancelling.putIfAbsent(orderId, mine);
		if (running != null) {
			return Futures.joined(running);
		}
		try {
			Order cancelled = cancelNow(orderId, reason);
			mine.complete(cancelled);
			return cancelled;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.cancelling.remove(orderId, mine);
		}
	}

	private Order cancelNow(UUID orderId, @Nullable String reason) {
		// Look again: another cancel may have finished since the first look.
		Order order = find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
		if (order.isCancelled()) {
			return order;
		}
		OrderCancelled cancelled = new OrderCancelled(UUID.randomUUID(), orderId, reason, Instant.now());
		Futures.joined(this.events.cancelled(cancelled));
		Order updated = order.apply(cancelled);
		this.book.update(updated);
		logger.info("Cancelled order {} of customer {}", orderId, order.customerId());
		return updated;
	}

	Optional<Order> find(UUID orderId) {
		return this.book.find(orderId);
	}

}
