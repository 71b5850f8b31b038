package com.example.orderflow.kafka.consumer;

/**
 * The cluster refused this record's output for good on an earlier delivery (too large,
 * say): handling it again would only fail its transaction again, so it is parked.
 */
class OutputRefusedException extends RuntimeException {

	OutputRefusedException(Throwable cause) {
		super("The cluster refused this record's output: " + cause.getMessage(), cause);
	}

}
