package com.example.orderflow.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

	/**
	 * The tour's demo group on the classic rebalance protocol, reading
	 * {@link Topics#ORDERS} in small member processes beside the services; not in
	 * {@link #ALL}.
	 */
	public static final String PROTOCOL_CLASSIC = "protocol-classic";

	/** As {@link #PROTOCOL_CLASSIC}, on the consumer rebalance protocol (KIP-848). */
	public static final String PROTOCOL_CONSUMER = "protocol-consumer";

	/**
	 * The tour's share group (KIP-932) on {@link Topics#ORDERS}: members take records one
	 * by one, more members than partitions; not a consumer group, not in {@link #ALL}.
	 */
	public static final String NOTIFICATION_DISPATCH = "notification-dispatch";

	/** The groups that run in the default system; each receives every order event. */
	public static final List<String> ALL = List.of(BILLING, BILLING_V2, SHIPPING, FRAUD, NOTIFICATION);

	/**
	 * Each group of {@link #ALL} and the topic it writes one result per order event to,
	 * in the order of {@link #ALL}. {@link Topics#INVOICES} is billing's whichever
	 * version is live.
	 */
	public static final Map<String, String> OUTPUT_TOPICS = outputTopics();

	private ConsumerGroups() {
	}

	/**
	 * The groups that answer for a group's output: billing v1 and billing v2 live take
	 * turns writing {@link Topics#INVOICES} (a cut-over hands the committed offsets from
	 * one to the other), so for {@link #BILLING} both; any other group alone. A check
	 * that waits for "the group" to have handled an input waits for the furthest of
	 * these.
	 */
	public static List<String> writersOf(String group) {
		return BILLING.equals(group) ? List.of(BILLING, BILLING_V2_LIVE) : List.of(group);
	}

	private static Map<String, String> outputTopics() {
		Map<String, String> outputs = new LinkedHashMap<>();
		outputs.put(BILLING, Topics.INVOICES);
		outputs.put(BILLING_V2, Topics.INVOICES_V2);
		outputs.put(SHIPPING, Topics.SHIPMENTS);
		outputs.put(FRAUD, Topics.FRAUD_DECISIONS);
		outputs.put(NOTIFICATION, Topics.NOTIFICATIONS);
		return Collections.unmodifiableMap(outputs);
	}

}
