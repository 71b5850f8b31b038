package com.example.orderflow.orders.order;

/**
 * The cluster did not commit an order event. Mostly nothing of it is visible to
 * {@code read_committed} readers and the caller may retry; but when the commit failed on
 * the client and the cluster had not settled it in time ({@link #mayStillCommit()}), the
 * event may still become visible.
 */
class OrderEventsUnavailableException extends RuntimeException {

	private final boolean mayStillCommit;

	OrderEventsUnavailableException(String message, Throwable cause, boolean mayStillCommit) {
		super(message, cause);
		this.mayStillCommit = mayStillCommit;
	}

	boolean mayStillCommit() {
		return this.mayStillCommit;
	}

}
