package com.example.orderflow.events;

import java.time.Instant;
import java.util.UUID;

/**
 * Shipping cancelled an order's shipment, or recorded that a cancelled order will never
 * ship.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderCancelled} this answers
 * @param reason why
 * @param cancelledAt when
 */
public record ShipmentCancelled(UUID eventId, UUID orderId, UUID causationId, String reason,
		Instant cancelledAt) implements ResultEvent {

}
