package com.example.orderflow.billing.invoice;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ResultPublisher;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Order events in, invoice events out, in one Kafka transaction per record: the invoice
 * and the consumer offset commit together. The group is the billing version's.
 */
@Component
// One container for orders, one for the group's own retry topics (failed and replayed
// records): waiting for a retry's due time never holds up orders.
@KafkaListener(topics = Topics.ORDERS, groupId = "#{@billingVersion.group()}")
@KafkaListener(topics = "#{@retryTopics.names()}", groupId = "#{@billingVersion.group()}")
class OrdersListener {

	private final Invoicing invoicing;

	private final ResultPublisher results;

	OrdersListener(Invoicing invoicing, ResultPublisher results) {
		this.invoicing = invoicing;
		this.results = results;
	}

	@KafkaHandler
	void on(OrderCreated event) {
		this.results.publish(this.invoicing.issue(event));
	}

	@KafkaHandler
	void on(OrderCancelled event) {
		this.results.publish(this.invoicing.voidInvoice(event));
	}

}
