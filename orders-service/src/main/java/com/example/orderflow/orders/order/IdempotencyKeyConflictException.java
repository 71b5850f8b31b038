package com.example.orderflow.orders.order;

/**
 * An {@code Idempotency-Key} came back with a different order than it was first used for.
 */
class IdempotencyKeyConflictException extends RuntimeException {

	IdempotencyKeyConflictException() {
		super("This Idempotency-Key was already used for a different order");
	}

}
