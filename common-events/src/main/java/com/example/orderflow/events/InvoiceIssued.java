package com.example.orderflow.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Billing issued an invoice for an order.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderCreated} this answers
 * @param customerId who is billed
 * @param lines the invoice lines
 * @param net the sum of the lines' net amounts
 * @param tax the tax, as the billing version's pricing rule computes it
 * @param total net plus tax
 * @param billingVersion which billing version issued it ({@code v1} or {@code v2})
 * @param issuedAt when it was issued
 */
public record InvoiceIssued(UUID eventId, UUID orderId, UUID causationId, String customerId, List<InvoiceLine> lines,
		Money net, Money tax, Money total, String billingVersion, Instant issuedAt) implements ResultEvent {

	public InvoiceIssued {
		lines = List.copyOf(lines);
	}

}
