package com.example.orderflow.billing.comparison;

import com.example.orderflow.events.Topics;

/**
 * The two topics compared. {@link #V1} is {@link Topics#INVOICES}, the live topic,
 * whichever billing version writes it (v1 before a cut-over, v2 after it); {@link #V2} is
 * {@link Topics#INVOICES_V2}, the shadow.
 */
enum Side {

	/** {@link Topics#INVOICES}: what customers see. */
	V1(Topics.INVOICES),

	/** {@link Topics#INVOICES_V2}: the shadow v2. */
	V2(Topics.INVOICES_V2);

	private final String topic;

	Side(String topic) {
		this.topic = topic;
	}

	String topic() {
		return this.topic;
	}

	static Side of(String topic) {
		for (Side side : values()) {
			if (side.topic.equals(topic)) {
				return side;
			}
		}
		throw new IllegalArgumentException("Not a compared topic: " + topic);
	}

}
