package com.example.orderflow.kafka.deadletter;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;
import com.example.orderflow.kafka.consumer.ResultPublisher;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The smallest consumer service: one output per order event, written in the listener's
 * transaction, with everything else from kafka-support. Not a
 * {@code @SpringBootApplication}: its component scan would find this package's
 * auto-configured controller a second time.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(DeadLetterTestApplication.OrdersListener.class)
class DeadLetterTestApplication {

	static final String GROUP = "dead-letter-tests";

	static final String OUTPUT = "dead-letter-tests-results";

	/** The group's dead-letter topic, where the tests' poison records are parked. */
	static final String DEAD_LETTERS = Topics.deadLetter(GROUP);

	@Bean
	ConsumerService deadLetterTestsConsumerService() {
		return new ConsumerService(GROUP, OUTPUT);
	}

	@KafkaListener(id = GROUP + "-orders", topics = Topics.ORDERS, groupId = GROUP)
	@KafkaListener(id = GROUP + "-retries", topics = "#{@retryTopics.names()}", groupId = GROUP)
	static class OrdersListener {

		private final ResultPublisher results;

		OrdersListener(ResultPublisher results) {
			this.results = results;
		}

		@KafkaHandler
		void on(OrderCreated event) {
			publish(new ShipmentScheduled(UUID.randomUUID(), event.orderId(), event.eventId(), event.shippingCountry(),
					"test-carrier", LocalDate.now(), Instant.now()));
		}

		@KafkaHandler
		void on(OrderCancelled event) {
			publish(new ShipmentCancelled(UUID.randomUUID(), event.orderId(), event.eventId(), event.reason(),
					Instant.now()));
		}

		private void publish(ResultEvent result) {
			this.results.publish(result);
		}

	}

}
