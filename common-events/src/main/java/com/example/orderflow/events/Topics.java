package com.example.orderflow.events;

import java.util.List;

/**
 * Every topic name, defined once. Retry and dead-letter topics belong to one consumer
 * group each, because several groups read {@link #ORDERS}: a shared retry topic would
 * redeliver a record to groups that had already handled it.
 */
public final class Topics {

	/** {@link OrderCreated} and {@link OrderCancelled}, keyed by orderId. */
	public static final String ORDERS = "orders";

	/** {@link InvoiceIssued} and {@link InvoiceVoided} from the live billing version. */
	public static final String INVOICES = "invoices";

	/** The same records from the shadow billing version. */
	public static final String INVOICES_V2 = "invoices-v2";

	/** {@link ShipmentScheduled} and {@link ShipmentCancelled}. */
	public static final String SHIPMENTS = "shipments";

	/** {@link FraudAssessed}. */
	public static final String FRAUD_DECISIONS = "fraud-decisions";

	/** {@link NotificationSent}. */
	public static final String NOTIFICATIONS = "notifications";

	/**
	 * Which billing version writes {@link #INVOICES} now: one compacted partition that
	 * every live billing instance reads at start and follows, so a cut-over or roll-back
	 * reaches all of them and an instance restarted later does not start writing again.
	 */
	public static final String BILLING_LIVE_WRITER = "billing-live-writer";

	/**
	 * The comparison of v1 and v2 invoices, one compacted record per order: the
	 * comparison's state, read back on restart so no order is counted twice.
	 */
	public static final String BILLING_COMPARISON = "billing-comparison";

	/**
	 * Written by the tour's demo groups of the classic and the consumer rebalance
	 * protocol ({@link ConsumerGroups#PROTOCOL_CLASSIC},
	 * {@link ConsumerGroups#PROTOCOL_CONSUMER}): one output per order event each, never a
	 * service's topic.
	 */
	public static final String PROTOCOL_CLASSIC_OUTPUTS = "protocol-classic-outputs";

	/** See {@link #PROTOCOL_CLASSIC_OUTPUTS}. */
	public static final String PROTOCOL_CONSUMER_OUTPUTS = "protocol-consumer-outputs";

	/**
	 * One record per delivery that a member of the share group
	 * {@link ConsumerGroups#NOTIFICATION_DISPATCH} got: who, which record, its delivery
	 * count and what the member did with it.
	 */
	public static final String NOTIFICATION_DISPATCHES = "notification-dispatches";

	/** Partitions of every topic: enough for a group of up to six busy members. */
	public static final int PARTITIONS = 6;

	/** The main topics that the cluster launcher creates. */
	public static final List<String> MAIN = List.of(ORDERS, INVOICES, INVOICES_V2, SHIPMENTS, FRAUD_DECISIONS,
			NOTIFICATIONS);

	private Topics() {
	}

	/** The dead-letter topic of one group: {@code orders-<group>-dlt}. */
	public static String deadLetter(String group) {
		return ORDERS + "-" + group + "-dlt";
	}

	/** The n-th retry topic of one group (1-based): {@code orders-<group>-retry-<n>}. */
	public static String retry(String group, int attempt) {
		if (attempt < 1) {
			throw new IllegalArgumentException("Retry topics count from 1, got " + attempt);
		}
		return ORDERS + "-" + group + "-retry-" + attempt;
	}

}
