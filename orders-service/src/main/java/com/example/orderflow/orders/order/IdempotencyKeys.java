package com.example.orderflow.orders.order;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

/**
 * Keeps two requests with one {@code Idempotency-Key} from placing an order at the same
 * moment on this instance: while the first is in flight, a duplicate shares its outcome.
 * A key whose order is committed needs no memory here: the key names the order
 * ({@link Orders}), and the {@link OrderBook} holds it, after any restart too.
 */
@Component
class IdempotencyKeys {

	/** Keys in flight: a key is here until its placement has returned. */
	private final ConcurrentMap<String, Placement> placements = new ConcurrentHashMap<>();

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
			// The book holds the order by now: the next request with the key finds it.
			this.placements.remove(key, mine);
			mine.outcome().complete(order);
		});
		return mine.outcome().copy();
	}

	/** How many keys are in flight. */
	int size() {
		return this.placements.size();
	}

	private record Placement(PlaceOrder command, CompletableFuture<Order> outcome) {

	}

}
