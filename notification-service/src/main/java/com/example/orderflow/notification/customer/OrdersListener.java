package com.example.orderflow.notification.customer;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ResultPublisher;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Order events in, notification records out, in one Kafka transaction per record: the
 * record and the consumer offset commit together.
 */
@Component
// One container for orders, one for the group's own retry topics (failed and replayed
// records): waiting for a retry's due time never holds up orders.
@KafkaListener(topics = Topics.ORDERS, groupId = ConsumerGroups.NOTIFICATION)
@KafkaListener(topics = "#{@retryTopics.names()}", groupId = ConsumerGroups.NOTIFICATION)
class OrdersListener {

	private final Notifications notifications;

	private final ResultPublisher results;

	OrdersListener(Notifications notifications, ResultPublisher results) {
		this.notifications = notifications;
		this.results = results;
	}

	@KafkaHandler
	void on(OrderCreated event) {
		this.results.publish(this.notifications.confirm(event));
	}

	@KafkaHandler
	void on(OrderCancelled event) {
		this.results.publish(this.notifications.confirmCancellation(event));
	}

}
