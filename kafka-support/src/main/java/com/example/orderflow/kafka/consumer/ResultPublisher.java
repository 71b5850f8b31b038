package com.example.orderflow.kafka.consumer;

import com.example.orderflow.events.ResultEvent;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * The one way a consumer service writes its results: to the output topic its
 * {@link ConsumerService} declares, keyed by orderId so every event of an order keeps one
 * partition downstream too. Domain code returns result events; only listeners publish
 * them.
 */
public class ResultPublisher {

	private final KafkaTemplate<Object, Object> kafka;

	private final String outputTopic;

	ResultPublisher(KafkaTemplate<Object, Object> kafka, ConsumerService service) {
		this.kafka = kafka;
		this.outputTopic = service.outputTopic();
	}

	public void publish(ResultEvent event) {
		// Not awaited: the send joins the listener's transaction, whose commit fails (and
		// the
		// input record is delivered again) if the send did.
		this.kafka.send(this.outputTopic, event.orderId().toString(), event);
	}

}
