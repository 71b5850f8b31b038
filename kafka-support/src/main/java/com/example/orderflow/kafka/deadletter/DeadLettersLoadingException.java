package com.example.orderflow.kafka.deadletter;

/**
 * The index has not read the topics to their start-up end yet, so it may not know of a
 * replay made before this start.
 */
class DeadLettersLoadingException extends RuntimeException {

	DeadLettersLoadingException(String topic) {
		super("Still reading " + topic + " and its replay marks; try again in a moment");
	}

}
