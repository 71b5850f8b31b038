package com.example.orderflow.demo.groups;

import com.example.orderflow.events.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * One delivery that a member of the share group got, as it writes it to
 * {@link Topics#NOTIFICATION_DISPATCHES} before it acts on the record: who took which
 * record of {@code orders}, at which delivery, and what it did with it.
 *
 * @param instance the member JVM ({@code dispatch-a})
 * @param member the member, its client id ({@code dispatch-a-3})
 * @param partition the record's partition of {@code orders}
 * @param offset the record's offset there
 * @param deliveryCount how often the group has delivered this record, this delivery
 * included
 * @param outcome what the member did with it
 * @param type the record's type id ({@code order-created}, {@code order-cancelled})
 * @param orderId the record's key
 * @param customerId the order's customer, where the record carries one
 * @param eventId the record's event id
 * @param position where this dispatch stands on its partition of
 * {@code notification-dispatches} (keyed by orderId, so one order's dispatches are in the
 * order they were written); -1 before it is written
 */
record Dispatch(String instance, String member, int partition, long offset, int deliveryCount, Outcome outcome,
		String type, String orderId, String customerId, String eventId, long position) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** What a member did with a record it got. */
	enum Outcome {

		/** Handled, and acknowledged {@code ACCEPT}: the group is done with it. */
		ACCEPTED,

		/**
		 * Acknowledged {@code REJECT}: unprocessable, the group archives it and never
		 * delivers it again.
		 */
		REJECTED,

		/**
		 * Taken and never acknowledged: its member hangs mid-handling (and is then
		 * killed); the record goes back to the group when its lock expires.
		 */
		HELD

	}

	/** The record of {@code orders} this is a delivery of. */
	String record() {
		return this.partition + "@" + this.offset;
	}

	byte[] toJson() {
		return JSON.writeValueAsBytes(this);
	}

	/** A dispatch as read back, with where it stands on its partition. */
	static Dispatch fromJson(byte[] value, long position) {
		Dispatch written = JSON.readValue(value, Dispatch.class);
		return new Dispatch(written.instance, written.member, written.partition, written.offset, written.deliveryCount,
				written.outcome, written.type, written.orderId, written.customerId, written.eventId, position);
	}

}
