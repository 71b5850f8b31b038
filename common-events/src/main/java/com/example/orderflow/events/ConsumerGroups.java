package com.example.orderflow.events;

import java.util.List;

/** Every consumer group on {@link Topics#ORDERS}, defined once. */
public final class ConsumerGroups {

	/** Billing v1, the live writer of {@link Topics#INVOICES}. */
	public static final String BILLING = "billing-service";

	/** Billing v2, the shadow writer of {@link Topics#INVOICES_V2}. */
	public static final String BILLING_V2 = "billing-v2";

	public static final String SHIPPING = "shipping-service";

	public static final String FRAUD = "fraud-service";

	public static final String NOTIFICATION = "notification-service";

	/** The groups that run in the default system; each receives every order event. */
	public static final List<String> ALL = List.of(BILLING, BILLING_V2, SHIPPING, FRAUD, NOTIFICATION);

	private ConsumerGroups() {
	}

}
