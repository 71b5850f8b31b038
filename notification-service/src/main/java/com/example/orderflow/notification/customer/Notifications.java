package com.example.orderflow.notification.customer;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;

/**
 * Tells the customer about their order through the channel, and records that it did. The
 * record's time is the input event's, so a redelivered event gives the same record (only
 * the new eventId differs).
 */
class Notifications {

	static final String UNKNOWN_RECIPIENT = "unknown";

	private final NotificationChannel channel;

	// A cancellation does not name the customer, so each order's customer is remembered
	// from its creation. In memory and per instance: lost on restart and not handed over
	// with a partition in a rebalance; a production service would look the customer up.
	// Entries are kept, so a redelivered cancellation finds the same recipient.
	private final Map<UUID, String> customerByOrder = new ConcurrentHashMap<>();

	Notifications(NotificationChannel channel) {
		this.channel = channel;
	}

	NotificationSent confirm(OrderCreated order) {
		this.customerByOrder.putIfAbsent(order.orderId(), order.customerId());
		String text = "Thank you for your order " + order.orderId() + " of " + order.total().amount() + " "
				+ order.total().currency() + ".";
		return send(new Notification(order.orderId(), NotificationKind.ORDER_CONFIRMATION, order.customerId(), text),
				order.eventId(), order.createdAt());
	}

	NotificationSent confirmCancellation(OrderCancelled cancellation) {
		String recipient = this.customerByOrder.getOrDefault(cancellation.orderId(), UNKNOWN_RECIPIENT);
		String text = "Your order " + cancellation.orderId() + " is cancelled.";
		return send(new Notification(cancellation.orderId(), NotificationKind.ORDER_CANCELLATION, recipient, text),
				cancellation.eventId(), cancellation.cancelledAt());
	}

	private NotificationSent send(Notification notification, UUID causationId, Instant at) {
		this.channel.deliver(notification);
		return new NotificationSent(UUID.randomUUID(), notification.orderId(), causationId, notification.kind(),
				this.channel.name(), notification.recipient(), at);
	}

}
