package com.example.orderflow.orders.order;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderLine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class IdempotencyKeysTests {

	private final IdempotencyKeys keys = new IdempotencyKeys(3);

	private final AtomicInteger placements = new AtomicInteger();

	@Test
	void retryWithTheSameOrderGetsTheFirstOrderAndPlacesNothing() {
		Order first = this.keys.placeOnce("k", command("c-1"), this::place);
		Order retry = this.keys.placeOnce("k", command("c-1"), this::place);
		assertThat(retry).isEqualTo(first);
		assertThat(this.placements).hasValue(1);
	}

	@Test
	void sameKeyForADifferentOrderIsAConflict() {
		this.keys.placeOnce("k", command("c-1"), this::place);
		assertThatExceptionOfType(IdempotencyKeyConflictException.class)
			.isThrownBy(() -> this.keys.placeOnce("k", command("c-2"), this::place));
		assertThat(this.placements).hasValue(1);
	}

	@Test
	void failedPlacementLeavesTheKeyFreeForTheRetry() {
		assertThatExceptionOfType(OrderEventsUnavailableException.class)
			.isThrownBy(() -> this.keys.placeOnce("k", command("c-1"), () -> {
				throw new OrderEventsUnavailableException("down", new IllegalStateException(), false);
			}));
		assertThat(this.keys.size()).isZero();
		Order retry = this.keys.placeOnce("k", command("c-1"), this::place);
		assertThat(retry).isNotNull();
		assertThat(this.placements).hasValue(1);
	}

	@Test
	void concurrentDuplicatesPlaceOnceAndShareTheOrder() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ConcurrentLinkedQueue<Order> results = new ConcurrentLinkedQueue<>();
		Thread first = new Thread(() -> results.add(this.keys.placeOnce("k", command("c-1"), () -> {
			started.countDown();
			awaitQuietly(release);
			return place();
		})));
		first.start();
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		List<Thread> duplicates = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Thread duplicate = new Thread(() -> results.add(this.keys.placeOnce("k", command("c-1"), this::place)));
			duplicate.start();
			duplicates.add(duplicate);
		}
		// Every duplicate is parked on the first attempt's outcome before it completes.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> duplicates.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
		release.countDown();
		first.join(10_000);
		for (Thread duplicate : duplicates) {
			duplicate.join(10_000);
		}
		assertThat(results).hasSize(5).containsOnly(results.peek());
		assertThat(this.placements).hasValue(1);
	}

	@Test
	void oldestKeysAreForgottenBeyondTheCapacity() {
		for (String key : List.of("a", "b", "c", "d")) {
			this.keys.placeOnce(key, command("c-1"), this::place);
		}
		assertThat(this.keys.size()).isEqualTo(3);
		this.keys.placeOnce("b", command("c-1"), this::place);
		assertThat(this.placements).hasValue(4);
		this.keys.placeOnce("a", command("c-1"), this::place);
		assertThat(this.placements).hasValue(5);
	}

	private Order place() {
		this.placements.incrementAndGet();
		return Order.from(command("c-1").toEvent(UUID.randomUUID(), Instant.now()));
	}

	private static PlaceOrder command(String customerId) {
		return new PlaceOrder(customerId, "EUR", "DE", List.of(new OrderLine("SKU-1", 2, Money.of("12.50", "EUR"))));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
