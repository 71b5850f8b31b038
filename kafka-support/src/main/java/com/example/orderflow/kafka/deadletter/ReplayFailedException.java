package com.example.orderflow.kafka.deadletter;

/**
 * The cluster did not take a replay. Its transaction was aborted, so nothing of it is
 * visible and the record is still parked.
 */
class ReplayFailedException extends RuntimeException {

	ReplayFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
