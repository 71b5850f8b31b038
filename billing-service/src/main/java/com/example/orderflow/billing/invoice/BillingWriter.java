package com.example.orderflow.billing.invoice;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;

/**
 * A billing version in a role, and so its consumer group and output topic. Each
 * combination is its own group, so each reads {@code orders} with its own offsets.
 *
 * @param version the pricing rule's version
 * @param role live or shadow
 */
public record BillingWriter(BillingVersion version, BillingRole role) {

	public BillingWriter {
		if (version == BillingVersion.V1 && role == BillingRole.SHADOW) {
			throw new IllegalArgumentException("billing v1 runs only live: the shadow is v2");
		}
	}

	/** The live writer of {@code invoices} in a version. */
	public static BillingWriter live(BillingVersion version) {
		return new BillingWriter(version, BillingRole.LIVE);
	}

	/**
	 * {@code billing-service} (v1 live), {@code billing-v2} (v2 shadow) or
	 * {@code billing-v2-live} (v2 live, after a cut-over).
	 */
	public String group() {
		if (this.role == BillingRole.SHADOW) {
			return ConsumerGroups.BILLING_V2;
		}
		return (this.version == BillingVersion.V1) ? ConsumerGroups.BILLING : ConsumerGroups.BILLING_V2_LIVE;
	}

	/** {@code invoices} for the live role, {@code invoices-v2} for the shadow. */
	public String outputTopic() {
		return (this.role == BillingRole.LIVE) ? Topics.INVOICES : Topics.INVOICES_V2;
	}

	/**
	 * Whether the listeners start with the application: the shadow always; a live writer
	 * only when the live-writer record says so.
	 */
	public boolean consumesFromStart() {
		return this.role == BillingRole.SHADOW;
	}

	public boolean isLive() {
		return this.role == BillingRole.LIVE;
	}

}
