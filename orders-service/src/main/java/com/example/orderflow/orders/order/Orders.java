package com.example.orderflow.orders.order;

import java.nio.charset.StandardCharsets;
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
 * <p>
 * An order placed with an {@code Idempotency-Key} takes its id from the key
 * ({@link #orderIdFor}): whoever asks with that key again, on this instance after a
 * restart or on another one, asks for the same order, and the {@link OrderBook}, read
 * from {@code orders}, tells whether it exists.
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
			return placeNow(command, this.events.newOrderId());
		}
		UUID orderId = orderIdFor(idempotencyKey);
		return this.idempotencyKeys.placeOnce(idempotencyKey, command, () -> {
			this.events.awaitSettled(orderId);
			Optional<Order> earlier = this.book.find(orderId);
			if (earlier.isEmpty()) {
				return placeNow(command, orderId);
			}
			if (!command.placed(earlier.get())) {
				throw new IdempotencyKeyConflictException();
			}
			return CompletableFuture.completedFuture(earlier.get());
		});
	}

	/**
	 * The id of the order an {@code Idempotency-Key} places: a name-based UUID, the same
	 * on every instance and after every restart, so that one key can only ever be one
	 * order.
	 */
	static UUID orderIdFor(String idempotencyKey) {
		return UUID
			.nameUUIDFromBytes(("orderflow/orders/idempotency-key/" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
	}

	private CompletableFuture<Order> placeNow(PlaceOrder command, UUID orderId) {
		OrderCreated created = command.toEvent(orderId, Instant.now());
		return this.events.created(created).thenApply((committed) -> {
			this.book.apply(created);
			Order order = this.book.find(orderId).orElseThrow();
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
		this.events.awaitSettled(orderId);
		Order order = this.book.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
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
		Order order = this.book.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
		if (order.isCancelled()) {
			return order;
		}
		OrderCancelled cancelled = new OrderCancelled(UUID.randomUUID(), orderId, reason, Instant.now());
		Futures.joined(this.events.cancelled(cancelled));
		this.book.apply(cancelled);
		logger.info("Cancelled order {} of customer {}", orderId, order.customerId());
		return this.book.find(orderId).orElseThrow();
	}

	/**
	 * The order as everything committed about it says, once the book holds all of that
	 * ({@link OrderEvents#awaitSettled}).
	 */
	Optional<Order> find(UUID orderId) {
		this.events.awaitSettled(orderId);
		return this.book.find(orderId);
	}

}
