package com.example.orderflow.orders.order;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;

/**
 * A stand-in for the outbound adapter in tests that are about HTTP or the domain, not
 * Kafka: it records what would have been written, or fails as a dead cluster would. The
 * Kafka path itself is proven against a real cluster in {@code OrdersOnKafkaTests}.
 */
class RecordingOrderEvents extends OrderEvents {

	private final List<OrderEvent> published = new CopyOnWriteArrayList<>();

	private volatile boolean clusterDown;

	private volatile boolean outcomeUnknown;

	RecordingOrderEvents() {
		// Every method that would touch the cluster is overridden.
		super(null, null, null, null);
	}

	/** Every partition is this instance's. */
	@Override
	UUID newOrderId() {
		return UUID.randomUUID();
	}

	/** Nothing to wait for: every recorded event is committed at once. */
	@Override
	void awaitSettled(UUID orderId) {
	}

	@Override
	CompletableFuture<Void> created(OrderCreated event) {
		return publish(event);
	}

	@Override
	CompletableFuture<Void> cancelled(OrderCancelled event) {
		return publish(event);
	}

	private CompletableFuture<Void> publish(OrderEvent event) {
		if (this.clusterDown || this.outcomeUnknown) {
			return CompletableFuture
				.failedFuture(new OrderEventsUnavailableException("The cluster did not commit " + event.orderId(),
						new IllegalStateException("cluster down (test)"), this.outcomeUnknown));
		}
		this.published.add(event);
		return CompletableFuture.completedFuture(null);
	}

	List<OrderEvent> published() {
		return List.copyOf(this.published);
	}

	void clusterDown(boolean down) {
		this.clusterDown = down;
	}

	/** Every event fails as a commit that the cluster took but did not settle in time. */
	void outcomeUnknown(boolean unknown) {
		this.outcomeUnknown = unknown;
	}

	void reset() {
		this.published.clear();
		this.clusterDown = false;
	}

}
