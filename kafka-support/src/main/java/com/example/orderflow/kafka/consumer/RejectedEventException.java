package com.example.orderflow.kafka.consumer;

/**
 * A business rejection: the event can never succeed, so it is not retried but parked in
 * the dead-letter topic at once, with this message as the reason.
 */
public class RejectedEventException extends RuntimeException {

	public RejectedEventException(String reason) {
		super(reason);
	}

}
