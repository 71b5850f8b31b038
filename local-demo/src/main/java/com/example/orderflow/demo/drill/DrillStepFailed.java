package com.example.orderflow.demo.drill;

/** A step of a drill whose check did not hold: its message says what was seen instead. */
final class DrillStepFailed extends RuntimeException {

	DrillStepFailed(String message) {
		super(message);
	}

	DrillStepFailed(String message, Throwable cause) {
		super(message, cause);
	}

}
