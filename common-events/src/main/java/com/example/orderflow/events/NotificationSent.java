package com.example.orderflow.events;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer was notified about an order.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderEvent} this answers
 * @param kind confirmation or cancellation
 * @param channel the channel that delivered it, for example {@code log}
 * @param recipient the customer
 * @param sentAt when
 */
public record NotificationSent(UUID eventId, UUID orderId, UUID causationId, NotificationKind kind, String channel,
		String recipient, Instant sentAt) implements ResultEvent {

}
