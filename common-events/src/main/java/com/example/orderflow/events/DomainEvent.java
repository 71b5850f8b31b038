package com.example.orderflow.events;

import java.util.UUID;

/**
 * An event about one order. Every record on every topic is keyed by {@link #orderId()},
 * so all events of one order share a partition and keep their order.
 */
public interface DomainEvent {

	/** Unique per event; consumers use it to recognise a redelivery. */
	UUID eventId();

	/** The aggregate id, and the record key on the wire. */
	UUID orderId();

}
