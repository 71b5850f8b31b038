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

	SideRecord {
		// "v1", "v2": one instance each in the JVM, not one per order kept in memory.
		billingVersion = (billingVersion != null) ? billingVersion.intern() : null;
	}

	boolean issued() {
		return this.invoice != null;
	}

	boolean voided() {
		return this.voidedSeenAt != null;
	}

	/**
	 * This side with its invoice made of the other side's parts where they are equal; see
	 * {@link ComparedInvoice#sharingWith}.
	 */
	SideRecord sharingWith(SideRecord other) {
		if (this.invoice == null) {
			return this;
		}
		return new SideRecord(this.billingVersion, this.invoice.sharingWith(other.invoice), this.issuedSeenAt,
				this.voidedSeenAt);
	}

	/**
	 * This side with the invoice. A redelivered or repeated invoice keeps the time it was
	 * first seen, so the grace period never restarts.
	 * @param otherSide the other side's invoice of the order, null if none: the parts
	 * equal to it are shared, not held twice
	 */
	SideRecord withIssued(InvoiceIssued issued, Instant now, ComparedInvoice otherSide) {
		return new SideRecord(issued.billingVersion(), ComparedInvoice.of(issued).sharingWith(otherSide),
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
