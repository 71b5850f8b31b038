package com.example.orderflow.billing.cutover;

/**
 * A cut-over that could not be done safely and changed nothing that stays: the old writer
 * is live again (or still).
 */
class CutoverRefusedException extends RuntimeException {

	CutoverRefusedException(String message) {
		super(message);
	}

}
