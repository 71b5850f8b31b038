package com.example.orderflow.kafka.observability;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * The smallest consumer service: one group on {@code orders} with the shared consumer
 * wiring (which puts the record's context in the MDC), and one listener that logs.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ObservedConsumerApplication {

	static final String GROUP = "observability-test";

	static final String LISTENER_ID = "observed-orders";

	@Bean
	ConsumerService consumerService() {
		return new ConsumerService(GROUP, "observability-test-results");
	}

	@Bean
	OrdersLog ordersLog() {
		return new OrdersLog();
	}

	static class OrdersLog {

		private static final Logger logger = LoggerFactory.getLogger(OrdersLog.class);

		// Any event type: other tests in this JVM write to orders, too.
		@KafkaListener(id = LISTENER_ID, topics = Topics.ORDERS, groupId = GROUP)
		void on(DomainEvent event) {
			logger.info("Handled order {}", event.orderId());
		}

	}

}
