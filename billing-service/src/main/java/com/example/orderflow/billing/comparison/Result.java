package com.example.orderflow.billing.comparison;

import java.util.Locale;

/** How one order's invoices compare. */
enum Result {

	/** Both sides issued the same invoice (and voided it alike). */
	MATCH,

	/** Both sides issued an invoice, and some compared field differs. */
	MISMATCH,

	/** Only one side has the order yet, and the grace period has not passed. */
	PENDING,

	/** The live topic has the order, the shadow still not after the grace period. */
	MISSING_IN_V2,

	/** The shadow has the order, the live topic still not after the grace period. */
	MISSING_IN_V1;

	/** The value of the {@code result} tag of the metrics: {@code missing_in_v2}. */
	String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** A difference an operator should look at. */
	boolean isDifference() {
		return this == MISMATCH || this == MISSING_IN_V2 || this == MISSING_IN_V1;
	}

}
