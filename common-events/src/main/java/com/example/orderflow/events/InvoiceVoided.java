package com.example.orderflow.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Billing voided the invoice of a cancelled order.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderCancelled} this answers
 * @param reason why
 * @param billingVersion which billing version voided it
 * @param voidedAt when
 */
public record InvoiceVoided(UUID eventId, UUID orderId, UUID causationId, String reason, String billingVersion,
		Instant voidedAt) implements ResultEvent {

}
