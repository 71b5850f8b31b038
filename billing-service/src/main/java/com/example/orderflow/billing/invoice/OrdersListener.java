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
 * and the consumer offset commit together. The group is the billing writer's. A live
 * writer's containers start only when the live-writer record names its version (see
 * {@code billing.cutover.LiveWriterSwitch}).
 */
@Component
// One container for orders, one for the group's own retry topics (failed and replayed
// records): waiting for a retry's due time never holds up orders.
@KafkaListener(id = OrdersListener.ORDERS_CONTAINER, topics = Topics.ORDERS, groupId = "#{@billingWriter.group()}",
		autoStartup = "#{@billingWriter.consumesFromStart()}")
@KafkaListener(id = OrdersListener.RETRIES_CONTAINER, topics = "#{@retryTopics.names()}",
		groupId = "#{@billingWriter.group()}", autoStartup = "#{@billingWriter.consumesFromStart()}")
public class OrdersListener {

	/** The listener container that reads {@code orders}. */
	public static final String ORDERS_CONTAINER = "billing-orders";

	/** The listener container that reads the group's retry topics. */
	public static final String RETRIES_CONTAINER = "billing-retries";

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
