package com.example.orderflow.billing.invoice;

/** What a billing instance's invoices are for. */
public enum BillingRole {

	/**
	 * Writes {@code invoices}, which customers see. Only one version is live at a time: a
	 * live instance consumes only while the live-writer record names its version.
	 */
	LIVE,

	/** Writes {@code invoices-v2}, only to be compared; always consumes. */
	SHADOW

}
