package com.example.orderflow.shipping.shipment;

import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** The one place shipping writes to Kafka: the shipments topic, keyed by orderId. */
@Component
class ShipmentTopic {

	private final KafkaTemplate<String, Object> kafka;

	private final String topic;

	ShipmentTopic(KafkaTemplate<String, Object> kafka, ConsumerService service) {
		this.kafka = kafka;
		this.topic = service.outputTopic();
	}

	void publish(ResultEvent event) {
		// Not awaited: the send joins the listener's transaction, whose commit fails
		// (and rolls the record back to be redelivered) if the send did.
		this.kafka.send(this.topic, event.orderId().toString(), event);
	}

}
