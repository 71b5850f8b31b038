package com.example.orderflow.kafka.deadletter;

/**
 * The cluster did not confirm a replay. Asking again is safe: the next replay first
 * completes or aborts what this one left, then replays what is still parked and refuses
 * what this one replayed after all.
 */
class ReplayFailedException extends RuntimeException {

	ReplayFailedException(String message) {
		super(message);
	}

	ReplayFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
