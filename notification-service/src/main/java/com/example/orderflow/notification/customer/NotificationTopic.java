package com.example.orderflow.notification.customer;

import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The one place notification writes to Kafka: the notifications topic, keyed by orderId.
 */
@Component
class NotificationTopic {

	private final KafkaTemplate<String, Object> kafka;

	private final String topic;

	NotificationTopic(KafkaTemplate<String, Object> kafka, ConsumerService service) {
		this.kafka = kafka;
		this.topic = service.outputTopic();
	}

	void publish(NotificationSent event) {
		// Not awaited: the send joins the listener's transaction, whose commit fails
		// (and rolls the record back to be redelivered) if the send did.
		this.kafka.send(this.topic, event.orderId().toString(), event);
	}

}
