package com.example.orderflow.billing.comparison;

import java.time.Instant;
import java.util.List;

/**
 * An order's comparison as of one moment.
 *
 * @param result how the sides compare
 * @param fields the differing fields with both values, empty unless a mismatch
 * @param when when this result was reached: the later side's arrival for a match or
 * mismatch, the end of the grace period for a missing side, the first arrival while
 * pending
 * @param liveVersion the billingVersion of the order's record on the live topic, null if
 * it has none
 */
record Classification(Result result, List<FieldDifference> fields, Instant when, String liveVersion) {

	Classification {
		fields = List.copyOf(fields);
	}

}
