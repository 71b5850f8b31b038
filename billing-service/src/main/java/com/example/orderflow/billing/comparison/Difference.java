package com.example.orderflow.billing.comparison;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order whose sides differ, as the differences endpoint lists it.
 *
 * @param orderId the order
 * @param result mismatch, missing in v2 or missing in v1
 * @param liveVersion the billingVersion of its record on the live topic, null if none
 * @param fields the differing fields with both values (empty for a missing side)
 * @param when when the difference was found
 */
record Difference(UUID orderId, Result result, String liveVersion, List<FieldDifference> fields, Instant when) {

	static Difference of(UUID orderId, Classification classification) {
		return new Difference(orderId, classification.result(), classification.liveVersion(), classification.fields(),
				classification.when());
	}

}
