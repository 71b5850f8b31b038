package com.example.orderflow.kafka.consumer;

import com.example.orderflow.events.ResultEvent;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The one way a consumer service writes its results: to the output topic its
 * {@link ConsumerService} declares, keyed by orderId so every event of an order keeps one
 * partition downstream too. Domain code returns result events; only listeners publish
 * them, and only while a record is handled: the result is sent in that record's
 * transaction once its handling succeeded (see {@link Outputs}).
 */
public class ResultPublisher {

	private final String outputTopic;

	ResultPublisher(ConsumerService service) {
		this.outputTopic = service.outputTopic();
	}

	public void publish(ResultEvent event) {
		Outputs.add(new ProducerRecord<>(this.outputTopic, event.orderId().toString(), event));
	}

}
