package com.example.orderflow.notification.customer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default channel: writes each notification to the log, so the demo needs no mail
 * server.
 */
class LogChannel implements NotificationChannel {

	private static final Logger logger = LoggerFactory.getLogger(LogChannel.class);

	@Override
	public String name() {
		return "log";
	}

	@Override
	public void deliver(Notification notification) {
		logger.info("To {} about order {} ({}): {}", notification.recipient(), notification.orderId(),
				notification.kind(), notification.text());
	}

}
