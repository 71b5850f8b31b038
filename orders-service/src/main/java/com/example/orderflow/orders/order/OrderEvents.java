package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;

import org.springframework.stereotype.Component;

/**
 * The one way out of this service: writes order events to {@link Topics#ORDERS}, keyed by
 * orderId so that every event of an order lands on the same partition, in order. Each
 * call's future completes only once its event is committed, in a transaction it may share
 * with other requests' events ({@link OrderEventWriter}); no thread waits for it
 * meanwhile, so the requests waiting for a commit are not limited by the web server's
 * threads.
 */
@Component
class OrderEvents {

	private final OrderEventWriter writer;

	private final OrderLog log;

	private final OrdersProperties properties;

	private final OrderOwnership ownership;

	OrderEvents(OrderEventWriter writer, OrderLog log, OrdersProperties properties, OrderOwnership ownership) {
		this.writer = writer;
		this.log = log;
		this.properties = properties;
		this.ownership = ownership;
	}

	/**
	 * A new order id on a partition this instance owns, so that this instance may write
	 * it: a random one, drawn again until it lands on one.
	 * @throws OrderEventsUnavailableException if this instance owns no partition within
	 * {@code orderflow.orders.settle-within}
	 */
	UUID newOrderId() {
		try {
			if (this.log.awaitOpen(this.properties.settleWithin())
					&& this.ownership.awaitOwning(this.properties.settleWithin())) {
				Set<Integer> owned = this.ownership.owned();
				while (!owned.isEmpty()) {
					UUID orderId = UUID.randomUUID();
					if (owned.contains(this.log.partitionOf(orderId))) {
						return orderId;
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new OrderEventsUnavailableException("This instance owns no partition of " + Topics.ORDERS
				+ " now (orderflow.orders.settle-within " + this.properties.settleWithin() + ")", null, false);
	}

	/**
	 * Returns once the {@link OrderBook} holds everything committed about the order that
	 * anyone may have been told of: normally at once; right after start, once the
	 * instance has read {@code orders}; after a commit on the order's partition whose
	 * outcome was unknown, once the cluster has settled it (see {@link OrderLog}).
	 * @throws OrderEventsUnavailableException if that takes longer than
	 * {@code orderflow.orders.settle-within}
	 */
	void awaitSettled(UUID orderId) {
		Duration within = this.properties.settleWithin();
		try {
			if (this.log.awaitSettled(orderId, within)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!this.log.loaded()) {
			throw new OrderEventsUnavailableException("This instance has not read " + Topics.ORDERS
					+ " to its end yet (orderflow.orders.settle-within " + within + ")", null, false);
		}
		throw new OrderEventsUnavailableException("A commit on the partition of order " + orderId
				+ " has not been settled by the cluster within " + within, null, true);
	}

	/**
	 * Completes once the event is committed; exceptionally, with an
	 * {@link OrderEventsUnavailableException}, if it is not.
	 */
	CompletableFuture<Void> created(OrderCreated event) {
		return publish(event);
	}

	/**
	 * Completes once the event is committed; exceptionally, with an
	 * {@link OrderEventsUnavailableException}, if it is not.
	 */
	CompletableFuture<Void> cancelled(OrderCancelled event) {
		return publish(event);
	}

	/**
	 * Completing means the transaction with the event committed and every in-sync replica
	 * has the record ({@code acks=all}); normally a {@code read_committed} reader sees it
	 * by then too (the writer waits up to {@code orderflow.orders.writer.visible-within}
	 * for the markers). A failure leaves nothing half-written: an aborted or unfinished
	 * transaction never reaches such a reader. Every wait is bounded: in the queue by
	 * {@code orderflow.orders.writer.queue-timeout} (and an event that finds the queue
	 * full, {@code orderflow.orders.writer.max-queued}, is refused at once), in the
	 * transaction by the producer's {@code max.block.ms} and {@code delivery.timeout.ms}.
	 * <p>
	 * A commit that fails on the client may still have been taken by the coordinator (it
	 * timed out while two brokers were down, say): the writer then reads the log until
	 * the transaction is settled, up to {@code orderflow.orders.writer.outcome-within},
	 * and answers by what it finds. One window stays open, as with any remote commit: if
	 * the cluster has not settled it by then, the caller gets a 503 saying the event may
	 * still become visible.
	 */
	private CompletableFuture<Void> publish(OrderEvent event) {
		return this.writer.write(event)
			.exceptionallyCompose((failure) -> CompletableFuture
				.failedFuture(unavailable(event, rootCause(failure), Futures.cause(failure))));
	}

	private static OrderEventsUnavailableException unavailable(OrderEvent event, String why, Throwable cause) {
		return new OrderEventsUnavailableException("The cluster did not commit " + event.getClass().getSimpleName()
				+ " of order " + event.orderId() + ": " + why, cause, cause instanceof OutcomeUnknownException);
	}

	private static String rootCause(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
