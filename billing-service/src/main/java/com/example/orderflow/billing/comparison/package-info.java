/**
 * The blue/green comparison of billing v1 and v2: group {@code billing-comparison} reads
 * {@code invoices} (the live topic) and {@code invoices-v2} (the shadow) under
 * {@code read_committed}, matches them by orderId and classifies each order as match,
 * mismatch (with every differing field and both values), pending, missing in v2 or
 * missing in v1 (one side only after the grace period); served under
 * {@code /admin/billing/comparison} and as Prometheus metrics.
 * <p>
 * State: one record per order on the compacted topic {@code billing-comparison}, written
 * in the same Kafka transaction as the consumed offsets and read to its end at start
 * before any invoice is consumed. Counts are derived from that per-order state, so a
 * redelivery or a restart never counts an order twice. The comparison's listener has its
 * own container factory: the billing group's retry routing, record checks and metrics
 * must not apply to it.
 * <p>
 * Voids: an {@code InvoiceVoided} is compared as the field {@code voided} (did each side
 * void the order). A void on one side only is given the grace period like a missing
 * invoice; until it passes, an order keeps the result its invoices give, so a
 * cancellation does not flicker a match to pending. After it, the order is a mismatch on
 * {@code voided}; orders with voids only (no invoice on either side) match if both
 * voided, and are pending, then missing, otherwise.
 * <p>
 * After a cut-over the live topic carries v2's invoices: every order is counted under the
 * billingVersion of its live record, so live v1 against shadow v2 stays the real
 * comparison and live v2 against shadow v2 becomes a check that the live writer equals
 * the shadow (expected to match always).
 */
package com.example.orderflow.billing.comparison;
