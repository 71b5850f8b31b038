package com.example.orderflow.events;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Shipping scheduled an order for dispatch.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param causationId the {@code eventId} of the {@link OrderCreated} this answers
 * @param shippingCountry where it goes
 * @param carrier the carrier chosen for that country
 * @param dispatchOn the planned dispatch day
 * @param scheduledAt when the schedule was made
 */
public record ShipmentScheduled(UUID eventId, UUID orderId, UUID causationId, String shippingCountry, String carrier,
		LocalDate dispatchOn, Instant scheduledAt) implements ResultEvent {

}
