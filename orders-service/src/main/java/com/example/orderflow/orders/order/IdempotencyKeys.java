package com.example.orderflow.orders.order;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Makes placing an order idempotent per {@code Idempotency-Key}: a retry gets the order
 * the key first produced, and produces nothing new. A key is remembered only once its
 * order is committed, so a failed attempt leaves the key free for the retry. In memory
 * and bounded to the most recent keys, like the {@link OrderBook} it complements.
 */
@Component
class IdempotencyKeys {

	private final int capacity;

	/** Keys in flight and keys done; a key is in flight until its placement returns. */
	private final ConcurrentMap<String, Placement> placements = new ConcurrentHashMap<>();

	/** Done keys, oldest first; guarded by itself. */
	private final Deque<String> done = new ArrayDeque<>();

	@Autowired
	IdempotencyKeys(OrdersProperties properties) {
		this(properties.idempotencyKeys());
	}

	IdempotencyKeys(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Places the order once per key. A concurrent duplicate does not place it again: it
	 * shares the first attempt's outcome, success or failure.
	 * @param placement places the order; its future completes once the order is committed
	 * @return completes with the key's order once it is committed
	 * @throws IdempotencyKeyConflictException if the key was used for a different order
	 */
	CompletableFuture<Order> placeOnce(String key, PlaceOrder command, Supplier<CompletableFuture<Order>> placement) {
		Placement mine = new Placement(command, new CompletableFuture<>());
		Placement earlier = this.placements.putIfAbsent(key, mine);
		if (earlier != null) {
			if (!earlier.command().equals(command)) {
				throw new IdempotencyKeyConflictException();
			}
			return earlier.outcome().copy();
		}
		CompletableFuture<Order> placed;
		try {
			placed = placement.get();
		}
		catch (RuntimeException | Error ex) {
			placed = CompletableFuture.failedFuture(ex);
		}
		placed.whenComplete((order, failure) -> {
			if (failure != null) {
				// Forget the key before anyone can see the failure, so the retry it
				// prompts runs for real.
				this.placements.remove(key, mine);
				mine.outcome().completeExceptionally(Futures.cause(failure));
				return;
			}
			remember(key);
			mine.outcome().complete(order);
		});
		return mine.outcome().copy();
	}

	/** How many keys are remembered or in flight. */
	int size() {
		return this.placements.size();
	}

	private void remember(String key) {
		synchronized (this.done) {
			this.done.addLast(key);
			while (this.done.size() > this.capacity) {
				this.placements.remove(this.done.removeFirst());
			}
		}
	}

	private record Placement(PlaceOrder command, CompletableFuture<Order> outcome) {

	}

}
