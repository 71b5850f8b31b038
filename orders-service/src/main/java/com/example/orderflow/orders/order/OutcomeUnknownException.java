package com.example.orderflow.orders.order;

/**
 * The commit of an order's transaction failed on the client and the cluster had not
 * settled it when the writer stopped waiting: the order may or may not become visible.
 * Answered 503, telling the client to retry with the same {@code Idempotency-Key}.
 */
class OutcomeUnknownException extends RuntimeException {

	OutcomeUnknownException(String message, Throwable cause) {
		super(message, cause);
	}

}
