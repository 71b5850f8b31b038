package com.example.orderflow.notification.customer;

import java.util.UUID;

import com.example.orderflow.events.NotificationKind;

/**
 * A message to a customer about an order, before a channel delivers it.
 *
 * @param orderId the order it is about
 * @param kind confirmation or cancellation
 * @param recipient the customer
 * @param text what the customer reads
 */
record Notification(UUID orderId, NotificationKind kind, String recipient, String text) {

}
