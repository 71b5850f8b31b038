package com.example.orderflow.orders.order;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderEvent;
import com.example.orderflow.events.Topics;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * The one way out of this service: writes order events to {@link Topics#ORDERS}, keyed by
 * orderId so that every event of an order lands on the same partition, in order.
 */
@Component
class OrderEvents {

	private final KafkaOperations<String, Object> kafka;

	OrderEvents(KafkaOperations<String, Object> kafka) {
		this.kafka = kafka;
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
	 * One record in its own transaction (the template is transactional because the shared
	 * defaults set a transaction-id prefix). The commit returning means every in-sync
	 * replica has the record ({@code acks=all}); anything else aborts, and an aborted or
	 * unfinished transaction never reaches a {@code read_committed} reader, so a failure
	 * here leaves nothing half-written. Every wait is bounded by the producer's
	 * {@code max.block.ms} and {@code delivery.timeout.ms}.
	 * <p>
	 * One window stays open, as with any remote commit: if the commit times out after the
	 * transaction coordinator has already accepted it, the caller gets a 503 for an event
	 * that does become visible.
	 */
	private void publish(OrderEvent event) {
		try {
			this.kafka.executeInTransaction(
					(operations) -> operations.send(Topics.ORDERS, event.orderId().toString(), event).join());
		}
		catch (RuntimeException ex) {
			throw new OrderEventsUnavailableException("The cluster did not commit " + event.getClass().getSimpleName()
					+ " of order " + event.orderId() + ": " + rootCause(ex), ex);
		}
	}

	private static String rootCause(Throwable exception) {
		Throwable cause = exception;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
