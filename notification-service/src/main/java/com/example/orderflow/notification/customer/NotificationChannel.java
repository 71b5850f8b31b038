package com.example.orderflow.notification.customer;

/** A way to reach a customer: e-mail, SMS, push, or the log of this demo. */
interface NotificationChannel {

	/** The name the {@code NotificationSent} event records, for example {@code log}. */
	String name();

	/**
	 * Delivers the notification, or throws so the order event is retried. Runs inside the
	 * listener's Kafka transaction but is not part of it: a delivery that is followed by
	 * a rollback is repeated, so a channel must tolerate duplicates.
	 */
	void deliver(Notification notification);

}
