package com.example.orderflow.billing.comparison;

import java.util.Map;

/**
 * The comparison in numbers, as {@code GET /admin/billing/comparison} answers. Every
 * count is a number of orders (never of records), so a redelivered invoice cannot count
 * twice.
 *
 * @param status {@code loading} while the state is read back from its topic (the counts
 * are not meaningful yet), then {@code running}
 * @param gracePeriod how long one side may wait for the other before it counts as missing
 * (ISO-8601)
 * @param orders every order seen on either topic
 * @param compared orders with an invoice on both topics: match plus mismatch
 * @param match orders whose invoices agree on every compared field
 * @param mismatch orders whose invoices differ
 * @param missingInV2 orders on the live topic that the shadow lacks after the grace
 * period
 * @param missingInV1 orders on the shadow topic that the live topic lacks after the grace
 * period
 * @param pending orders on one topic only, still within the grace period
 * @param matchRate match / compared, null while nothing was compared
 * @param byLiveVersion the same counts by the billingVersion of the order's record on the
 * live topic: {@code v1} (live v1 against shadow v2, the real comparison), {@code v2}
 * (after a cut-over: live v2 against shadow v2, expected to match always) and
 * {@code none} (nothing on the live topic)
 */
record ComparisonSummary(String status, String gracePeriod, long orders, long compared, long match, long mismatch,
		long missingInV2, long missingInV1, long pending, Double matchRate, Map<String, LiveVersion> byLiveVersion) {

	/**
	 * The counts of the orders whose live record came from one billing version.
	 *
	 * @param compares what the comparison means for these orders
	 * @param orders the orders
	 * @param compared match plus mismatch
	 * @param match invoices agree
	 * @param mismatch invoices differ
	 * @param missingInV2 the shadow lacks the order after the grace period
	 * @param missingInV1 the live topic lacks the order after the grace period
	 * @param pending one side only, within the grace period
	 * @param matchRate match / compared, null while nothing was compared
	 */
	record LiveVersion(String compares, long orders, long compared, long match, long mismatch, long missingInV2,
			long missingInV1, long pending, Double matchRate) {

	}

}
