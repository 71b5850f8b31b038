package com.example.orderflow.orders.order;

/**
 * The cluster did not commit an order event: nothing of it is visible to
 * {@code read_committed} readers, and the caller may retry.
 */
class OrderEventsUnavailableException extends RuntimeException {

	OrderEventsUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
