package com.example.orderflow.billing.comparison;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One order's comparison now, with what each topic said.
 *
 * @param orderId the order
 * @param result how the sides compare now
 * @param liveVersion the billingVersion of its record on the live topic, null if none
 * @param fields the differing fields with both values
 * @param when when this result was reached
 * @param v1 what the live topic said
 * @param v2 what the shadow topic said
 */
record OrderView(UUID orderId, Result result, String liveVersion, List<FieldDifference> fields, Instant when,
		SideRecord v1, SideRecord v2) {

	static OrderView of(OrderComparison order, Classification classification) {
		return new OrderView(order.orderId(), classification.result(), classification.liveVersion(),
				classification.fields(), classification.when(), order.v1(), order.v2());
	}

}
