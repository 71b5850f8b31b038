package com.example.orderflow.orders.order;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
	 * waits for the first attempt and shares its outcome, success or failure.
	 * @throws IdempotencyKeyConflictException if the key was used for a different order
	 */
	Order placeOnce(String key, PlaceOrder command, Supplier<Order> placement) {
		Placement mine = new Placement(command, new CompletableFuture<>());
		Placement earlier = this.placements.putIfAbsent(key, mine);
		if (earlier != null) {
			if (!earlier.command().equals(command)) {
				throw new IdempotencyKeyConflictException();
			}
			return outcomeOf(earlier);
		}
		Order order;
		try {
			order = placement.get();
		}
		catch (RuntimeException | Error ex) {
			// Forget the key before anyone can see the failure, so the retry it prompts
			// runs for real.
			this.placements.remove(key, mine);
			mine.outcome().completeExceptionally(ex);
			throw ex;
		}
		mine.outcome().complete(order);
		remember(key);
		return order;
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

	private static Order outcomeOf(Placement placement) {
		try {
			return placement.outcome().join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	private record Placement(PlaceOrder command, CompletableFuture<Order> outcome) {

	}

}
