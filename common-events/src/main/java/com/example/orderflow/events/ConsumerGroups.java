package com.example.orderflow.events;

import java.util.List;

/** Every consumer group on {@link Topics#ORDERS}, defined once. */
public final class ConsumerGroups {

	/** Billing v1, the live writer of {@link Topics#INVOICES}. */
	public static final String BILLING = "billing-service";

	/** Billing v2, the shadow writer of {@link Topics#INVOICES_V2}. */
	public static final String BILLING_V2 = "billing-v2";

	/**
	 * Billing v2 as the live writer of {@link Topics#INVOICES} after a cut-over; it
	 * starts from the offsets that {@link #BILLING} committed, handed over through the
	 * Admin API. Not in {@link #ALL}: it consumes only while v2 is live.
	 */
	public static final String BILLING_V2_LIVE = "billing-v2-live";

	/**
	 * Reads {@link Topics#INVOICES} and {@link Topics#INVOICES_V2} and matches them by
	 * orderId; not a group on {@link Topics#ORDERS}.
	 */
	public static final String BILLING_COMPARISON = "billing-comparison";

	public static final String SHIPPING = "shipping-service";

	public static final String FRAUD = "fraud-service";

	public static final String NOTIFICATION = "notification-service";

	/** The groups that run in the default system; each receives every order event. */
	public static final List<String> ALL = List.of(BILLING, BILLING_V2, SHIPPING, FRAUD, NOTIFICATION);

	private ConsumerGroups() {
	}

}
