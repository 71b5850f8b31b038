package com.example.orderflow.events;

import java.time.Instant;
import java.util.UUID;

/**
 * The customer cancelled an order. It follows its {@link OrderCreated} on the same
 * partition.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param reason why, as given by the caller
 * @param cancelledAt when the cancellation was accepted
 */
public record OrderCancelled(UUID eventId, UUID orderId, String reason, Instant cancelledAt) implements OrderEvent {

}
