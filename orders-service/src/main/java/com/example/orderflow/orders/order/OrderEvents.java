package com.example.orderflow.orders.order;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;

import org.springframework.stereotype.Component;

/**
 * The one way out of this service: writes order events to {@link Topics#ORDERS}, keyed by
 * orderId so that every event of an order lands on the same partition, in order. Each
 * call returns only once its event is committed, in a transaction it may share with other
 * requests' events ({@link OrderEventWriter}).
 */
@Component
class OrderEvents {

	private final OrderEventWriter writer;

	OrderEvents(OrderEventWriter writer) {
		this.writer = writer;
	}

	/** Returns once the event is committed; throws if it is not. */
	void created(OrderCreated event) {
		publish(event);
	}

	/** Returns once the event is committed; throws if it is not. */
	void cancelled(OrderCancelled event) {
		publish(event);
	}

	/**
	 * Returning means the transaction with the event committed and every in-sync replica
	 * has the record ({@code acks=all}); normally a {@code read_committed} reader sees it
	 * by then too (the writer waits up to {@code orderflow.orders.writer.visible-within}
	 * for the markers). A failure leaves nothing half-written: an aborted or unfinished
	 * transaction never reaches such a reader. Every wait is bounded: in the queue by
	 * {@code orderflow.orders.writer.queue-timeout}, in the transaction by the producer's
	 * {@code max.block.ms} and {@code delivery.timeout.ms}.
	 * <p>
	 * A commit that fails on the client may still have been taken by the coordinator (it
	 * timed out while two brokers were down, say): the writer then reads the log until
	 * the transaction is settled, up to {@code orderflow.orders.writer.outcome-within},
	 * and answers by what it finds. One window stays open, as with any remote commit: if
	 * the cluster has not settled it by then, the caller gets a 503 saying the event may
	 * still become visible.
	 */
	private void publish(OrderEvent event) {
		OrderEventWriter.Pending pending = this.writer.write(event);
		try {
			try {
				pending.done().get(this.writer.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				if (this.writer.withdraw(pending)) {
					throw unavailable(event, "no transaction took it within " + this.writer.queueTimeout(), ex);
				}
				// A transaction has it: its outcome is the answer.
				pending.done().get();
			}
		}
		catch (ExecutionException ex) {
			throw unavailable(event, rootCause(ex), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(event, "interrupted", ex);
		}
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
