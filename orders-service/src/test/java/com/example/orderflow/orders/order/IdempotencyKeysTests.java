package com.example.orderflow.orders.order;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderLine;
import org.junit.jupiter.api.Test;

import static com.example.orderflow.orders.order.Futures.joined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IdempotencyKeysTests {

	private final IdempotencyKeys keys = new IdempotencyKeys();

	private final AtomicInteger placements = new AtomicInteger();

	/**
	 * A key whose order is placed is not remembered here: the order id names it, and the
	 * book holds the order ({@code OrdersTests}, {@code OrdersOnKafkaTests}).
	 */
	@Test
	void aKeyIsHeldOnlyWhileItsPlacementRuns() {
		CompletableFuture<Order> commit = new CompletableFuture<>();
		this.keys.placeOnce("k", command("c-1"), () -> commit);
		assertThat(this.keys.size()).isOne();
		commit.complete(Order.from(command("c-1").toEvent(UUID.randomUUID(), Instant.now())));
		assertThat(this.keys.size()).isZero();
	}

	@Test
	void aDifferentOrderWithAKeyInFlightIsAConflict() {
		CompletableFuture<Order> commit = new CompletableFuture<>();
		this.keys.placeOnce("k", command("c-1"), () -> commit);
		assertThatExceptionOfType(IdempotencyKeyConflictException.class)
			.isThrownBy(() -> joined(this.keys.placeOnce("k", command("c-2"), this::place)));
		assertThat(this.placements).hasValue(0);
	}

	@Test
	void failedPlacementLeavesTheKeyFreeForTheRetry() {
		assertThatExceptionOfType(OrderEventsUnavailableException.class)
			.isThrownBy(() -> joined(this.keys.placeOnce("k", command("c-1"), () -> CompletableFuture
				.failedFuture(new OrderEventsUnavailableException("down", new IllegalStateException(), false)))));
		assertThat(this.keys.size()).isZero();
		Order retry = joined(this.keys.placeOnce("k", command("c-1"), this::place));
		assertThat(retry).isNotNull();
		assertThat(this.placements).hasValue(1);
	}

	/**
	 * Duplicates that arrive while the first attempt waits for its commit get the same
	 * answer when it comes, and none of them places an order of its own.
	 */
	@Test
	void concurrentDuplicatesPlaceOnceAndShareTheOrder() {
		CompletableFuture<Order> commit = new CompletableFuture<>();
		CompletableFuture<Order> first = this.keys.placeOnce("k", command("c-1"), () -> {
			this.placements.incrementAndGet();
			return commit;
		});
		List<CompletableFuture<Order>> duplicates = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			duplicates.add(this.keys.placeOnce("k", command("c-1"), this::place));
		}
		assertThat(first).isNotDone();
		assertThat(duplicates).noneMatch(CompletableFuture::isDone);
		Order order = Order.from(command("c-1").toEvent(UUID.randomUUID(), Instant.now()));
		commit.complete(order);
		assertThat(joined(first)).isEqualTo(order);
		assertThat(duplicates).allSatisfy((duplicate) -> assertThat(joined(duplicate)).isEqualTo(order));
		assertThat(this.placements).hasValue(1);
	}

	/**
	 * A duplicate of an attempt whose commit fails fails with it; the key is free again.
	 */
	@Test
	void concurrentDuplicatesShareAFailure() {
		CompletableFuture<Order> commit = new CompletableFuture<>();
		CompletableFuture<Order> first = this.keys.placeOnce("k", command("c-1"), () -> commit);
		CompletableFuture<Order> duplicate = this.keys.placeOnce("k", command("c-1"), this::place);
		commit.completeExceptionally(new OrderEventsUnavailableException("down", new IllegalStateException(), false));
		assertThatExceptionOfType(OrderEventsUnavailableException.class).isThrownBy(() -> joined(first));
		assertThatExceptionOfType(OrderEventsUnavailableException.class).isThrownBy(() -> joined(duplicate));
		assertThat(this.keys.size()).isZero();
	}

	private CompletableFuture<Order> place() {
		this.placements.incrementAndGet();
		return CompletableFuture.completedFuture(Order.from(command("c-1").toEvent(UUID.randomUUID(), Instant.now())));
	}

	private static PlaceOrder command(String customerId) {
		return new PlaceOrder(customerId, "EUR", "DE", List.of(new OrderLine("SKU-1", 2, Money.of("12.50", "EUR"))));
	}

}
