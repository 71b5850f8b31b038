package com.example.orderflow.shipping.shipment;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ResultPublisher;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Order events in, shipment events out, in one Kafka transaction per record: the shipment
 * event and the consumer offset commit together.
 */
@Component
// One container for orders, one for the group's own retry topics (failed and replayed
// records): waiting for a retry's due time never holds up orders.
@KafkaListener(topics = Topics.ORDERS, groupId = ConsumerGroups.SHIPPING)
@KafkaListener(topics = "#{@retryTopics.names()}", groupId = ConsumerGroups.SHIPPING)
class OrdersListener {

	private final Shipments shipments;

	private final ResultPublisher results;

	OrdersListener(Shipments shipments, ResultPublisher results) {
		this.shipments = shipments;
		this.results = results;
	}

	@KafkaHandler
	void on(OrderCreated event) {
		this.results.publish(this.shipments.schedule(event));
	}

	@KafkaHandler
	void on(OrderCancelled event) {
		this.results.publish(this.shipments.cancel(event));
	}

}
