package com.example.orderflow.events;

/** Which message a customer was sent. */
public enum NotificationKind {

	ORDER_CONFIRMATION,

	ORDER_CANCELLATION

}
