package com.example.orderflow.fraud.check;

import com.example.orderflow.events.FraudAssessed;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** The one place fraud writes to Kafka: the fraud-decisions topic, keyed by orderId. */
@Component
class FraudDecisionTopic {

	private final KafkaTemplate<String, Object> kafka;

	private final String topic;

	FraudDecisionTopic(KafkaTemplate<String, Object> kafka, ConsumerService service) {
		this.kafka = kafka;
		this.topic = service.outputTopic();
	}

	void publish(FraudAssessed event) {
		// Not awaited: the send joins the listener's transaction, whose commit fails
		// (and rolls the record back to be redelivered) if the send did.
		this.kafka.send(this.topic, event.orderId().toString(), event);
	}

}
