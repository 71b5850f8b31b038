package com.example.orderflow.events;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order was accepted: the cluster acknowledged this record before the API answered
 * 201.
 *
 * @param eventId unique per event
 * @param orderId the order, and the record key
 * @param customerId who ordered
 * @param lines what was ordered, at least one line
 * @param total the sum of all line totals
 * @param shippingCountry ISO 3166-1 alpha-2 country the order ships to
 * @param createdAt when the order was accepted
 */
public record OrderCreated(UUID eventId, UUID orderId, String customerId, List<OrderLine> lines, Money total,
		String shippingCountry, Instant createdAt) implements OrderEvent {

	public OrderCreated {
		lines = List.copyOf(lines);
	}

}
