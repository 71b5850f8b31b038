package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import org.junit.jupiter.api.Test;

import static com.example.orderflow.orders.order.Futures.joined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class OrdersTests {

	private final OrderBook book = new OrderBook();

	private final RecordingOrderEvents events = new RecordingOrderEvents();

	private final Orders orders = new Orders(this.book, this.events, new IdempotencyKeys());

	@Test
	void placedOrderTotalsItsLinesExactly() {
		PlaceOrder command = new PlaceOrder("c-1", "EUR", "DE",
				List.of(new OrderLine("SKU-1", 3, Money.of("0.10", "EUR")),
						new OrderLine("SKU-2", 1, Money.of("0.20", "EUR"))));
		Order order = joined(this.orders.place(command, null));
		assertThat(order.total()).isEqualTo(Money.of("0.50", "EUR"));
		assertThat(this.events.published()).singleElement().isInstanceOfSatisfying(OrderCreated.class, (created) -> {
			assertThat(created.orderId()).isEqualTo(order.orderId());
			assertThat(created.total()).isEqualTo(order.total());
			assertThat(created.eventId()).isNotEqualTo(created.orderId());
		});
		assertThat(this.orders.find(order.orderId())).contains(order);
	}

	@Test
	void orderExistsOnlyOnceItsEventIsCommitted() {
		this.events.clusterDown(true);
		assertThatExceptionOfType(OrderEventsUnavailableException.class)
			.isThrownBy(() -> joined(this.orders.place(command(), null)));
		assertThat(this.book.size()).isZero();
	}

	@Test
	void cancellingTwiceEmitsOneEvent() {
		Order order = joined(this.orders.place(command(), null));
		Order first = this.orders.cancel(order.orderId(), "changed my mind");
		Order second = this.orders.cancel(order.orderId(), "again");
		assertThat(second).isEqualTo(first);
		assertThat(first.status()).isEqualTo(OrderStatus.CANCELLED);
		assertThat(first.cancellationReason()).isEqualTo("changed my mind");
		assertThat(this.events.published()).hasSize(2).last().isInstanceOf(OrderCancelled.class);
	}

	@Test
	void cancellingAnUnknownOrderFails() {
		assertThatExceptionOfType(OrderNotFoundException.class)
			.isThrownBy(() -> this.orders.cancel(UUID.randomUUID(), null));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void failedCancellationLeavesTheOrderCreated() {
		Order order = joined(this.orders.place(command(), null));
		this.events.clusterDown(true);
		assertThatExceptionOfType(OrderEventsUnavailableException.class)
			.isThrownBy(() -> this.orders.cancel(order.orderId(), null));
		assertThat(this.orders.find(order.orderId()))
			.hasValueSatisfying((current) -> assertThat(current.status()).isEqualTo(OrderStatus.CREATED));
		this.events.clusterDown(false);
		assertThat(this.orders.cancel(order.orderId(), null).status()).isEqualTo(OrderStatus.CANCELLED);
	}

	@Test
	void concurrentCancelsEmitOneEvent() throws Exception {
		CountDownLatch cancelling = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		RecordingOrderEvents slowEvents = new RecordingOrderEvents() {

			@Override
			CompletableFuture<Void> cancelled(OrderCancelled event) {
				cancelling.countDown();
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return super.cancelled(event);
			}

		};
		Orders orders = new Orders(this.book, slowEvents, new IdempotencyKeys());
		Order order = joined(orders.place(command(), null));
		ConcurrentLinkedQueue<Order> results = new ConcurrentLinkedQueue<>();
		Thread first = new Thread(() -> results.add(orders.cancel(order.orderId(), "first")));
		first.start();
		assertThat(cancelling.await(10, TimeUnit.SECONDS)).isTrue();
		List<Thread> others = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Thread other = new Thread(() -> results.add(orders.cancel(order.orderId(), "other")));
			other.start();
			others.add(other);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> others.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
		release.countDown();
		first.join(10_000);
		for (Thread other : others) {
			other.join(10_000);
		}
		assertThat(results).hasSize(4).allSatisfy((cancelled) -> {
			assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
			assertThat(cancelled.cancellationReason()).isEqualTo("first");
		});
		assertThat(slowEvents.published()).filteredOn(OrderCancelled.class::isInstance).hasSize(1);
	}

	@Test
	void placingWithAnIdempotencyKeyTwiceWritesOneOrder() {
		Order first = joined(this.orders.place(command(), "key"));
		Order retry = joined(this.orders.place(command(), "key"));
		assertThat(retry).isEqualTo(first);
		assertThat(this.events.published()).hasSize(1);
		assertThat(this.book.size()).isEqualTo(1);
	}

	@Test
	void anIdempotencyKeyNamesItsOrderWhereverItIsAsked() {
		Order first = joined(this.orders.place(command(), "key"));
		assertThat(first.orderId()).isEqualTo(Orders.orderIdFor("key")).isNotEqualTo(Orders.orderIdFor("another key"));
		// Another instance, or this one after a restart: nothing in memory but the book
		// read from the topic.
		Orders restarted = new Orders(this.book, this.events, new IdempotencyKeys());
		assertThat(joined(restarted.place(command(), "key"))).isEqualTo(first);
		assertThat(this.events.published()).hasSize(1);
	}

	@Test
	void aKeyUsedForADifferentOrderIsAConflictAndWritesNothing() {
		joined(this.orders.place(command(), "key"));
		PlaceOrder another = new PlaceOrder("c-1", "EUR", "DE",
				List.of(new OrderLine("SKU-1", 3, Money.of("12.50", "EUR"))));
		assertThatExceptionOfType(IdempotencyKeyConflictException.class)
			.isThrownBy(() -> joined(this.orders.place(another, "key")));
		assertThat(this.events.published()).hasSize(1);
	}

	@Test
	void aRetryOfACancelledOrderReturnsItAsItStands() {
		Order placed = joined(this.orders.place(command(), "key"));
		this.orders.cancel(placed.orderId(), null);
		assertThat(joined(this.orders.place(command(), "key")).status()).isEqualTo(OrderStatus.CANCELLED);
		assertThat(this.events.published()).hasSize(2);
	}

	private static PlaceOrder command() {
		return new PlaceOrder("c-1", "EUR", "DE", List.of(new OrderLine("SKU-1", 2, Money.of("12.50", "EUR"))));
	}

}
