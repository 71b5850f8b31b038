package com.example.orderflow.fraud.check;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ResultPublisher;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Order events in, fraud assessments out, in one Kafka transaction per record: the
 * assessment and the consumer offset commit together.
 */
@Component
// One container for orders, one for the group's own retry topics (failed and replayed
// records): waiting for a retry's due time never holds up orders.
@KafkaListener(topics = Topics.ORDERS, groupId = ConsumerGroups.FRAUD)
@KafkaListener(topics = "#{@retryTopics.names()}", groupId = ConsumerGroups.FRAUD)
class OrdersListener {

	private final FraudCheck fraudCheck;

	private final ResultPublisher results;

	OrdersListener(FraudCheck fraudCheck, ResultPublisher results) {
		this.fraudCheck = fraudCheck;
		this.results = results;
	}

	@KafkaHandler
	void on(OrderCreated event) {
		this.results.publish(this.fraudCheck.assess(event));
	}

	@KafkaHandler
	void on(OrderCancelled event) {
		this.results.publish(this.fraudCheck.reassess(event));
	}

}
