package com.example.orderflow.billing.comparison;

import java.time.Instant;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;

/**
 * What one topic said about one order.
 *
 * @param billingVersion the {@code billingVersion} of the latest record of this side: on
 * the live topic, which version was live for the order
 * @param invoice the compared fields of its {@link InvoiceIssued}, null if none arrived
 * @param issuedSeenAt when the comparison first read that invoice, null if none
 * @param voidedSeenAt when the comparison first read an {@link InvoiceVoided}, null if
 * none
 */
record SideRecord(String billingVersion, ComparedInvoice invoice, Instant issuedSeenAt, Instant voidedSeenAt) {

	static final SideRecord NONE = new SideRecord(null, null, null, null);

	boolean issued() {
		return this.invoice != null;
	}

	boolean voided() {
		return this.voidedSeenAt != null;
	}

	/**
	 * This side with the invoice. A redelivered or repeated invoice keeps the time it was
	 * first seen, so the grace period never restarts.
	 */
	SideRecord withIssued(InvoiceIssued issued, Instant now) {
		return new SideRecord(issued.billingVersion(), ComparedInvoice.of(issued),
				(this.issuedSeenAt != null) ? this.issuedSeenAt : now, this.voidedSeenAt);
	}

	/**
	 * This side with the void. The billingVersion stays the invoice's: an order invoiced
	 * by v1 and voided by v2 after a cut-over still counts as v1's.
	 */
	SideRecord withVoided(InvoiceVoided voided, Instant now) {
		return new SideRecord((this.invoice != null) ? this.billingVersion : voided.billingVersion(), this.invoice,
				this.issuedSeenAt, (this.voidedSeenAt != null) ? this.voidedSeenAt : now);
	}

}
