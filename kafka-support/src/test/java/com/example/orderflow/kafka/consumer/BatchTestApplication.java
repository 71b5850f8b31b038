package com.example.orderflow.kafka.consumer;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.FailingPolls;
import com.example.orderflow.testsupport.LostCommitAnswers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A consumer service for the tests of {@link ConsumeTransformProduce}: one notification
 * per order event, and customers whose names ask for trouble. The group and the output
 * topic come from {@code test.group} and {@code test.output}, so each test class has its
 * own.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import({ BatchTestApplication.OrdersListener.class, LostCommitAnswers.class, FailingPolls.class })
class BatchTestApplication {

	/** Publishes its notification, then is rejected: none of its output may commit. */
	static final String REJECTED_AFTER_OUTPUT = "rejected-after-output-";

	/** Fails its first delivery with a transient failure. */
	static final String FAILS_ONCE = "fails-once-";

	/** Takes 20 ms to handle. */
	static final String SLOW = "slow-";

	static final String ORDERS_LISTENER = "batch-orders";

	/**
	 * Sends while the orders listener is stopped, so that its next poll holds all of it.
	 */
	static void whileStopped(KafkaListenerEndpointRegistry registry, Runnable sends) {
		MessageListenerContainer container = registry.getListenerContainer(ORDERS_LISTENER);
		container.stop();
		try {
			sends.run();
		}
		finally {
			container.start();
		}
	}

	@Bean
	ConsumerService batchTestConsumerService(Environment environment) {
		return new ConsumerService(environment.getRequiredProperty("test.group"),
				environment.getRequiredProperty("test.output"));
	}

	@Bean
	RecordCheck troubleByCustomerName() {
		Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
		return (record) -> {
			if (record.value() instanceof OrderCreated order) {
				if (order.customerId().startsWith(FAILS_ONCE) && failedOnce.add(order.eventId())) {
					throw new IllegalStateException("Transient failure of the first delivery of " + order.eventId());
				}
				if (order.customerId().startsWith(SLOW)) {
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
			}
		};
	}

	@KafkaListener(id = ORDERS_LISTENER, topics = Topics.ORDERS, groupId = "#{@batchTestConsumerService.group()}")
	@KafkaListener(id = "batch-retries", topics = "#{@retryTopics.names()}",
			groupId = "#{@batchTestConsumerService.group()}")
	static class OrdersListener {

		private final ResultPublisher results;

		OrdersListener(ResultPublisher results) {
			this.results = results;
		}

		@KafkaHandler
		void on(OrderCreated order) {
			this.results.publish(new NotificationSent(UUID.randomUUID(), order.orderId(), order.eventId(),
					NotificationKind.ORDER_CONFIRMATION, "test", order.customerId(), Instant.now()));
			if (order.customerId().startsWith(REJECTED_AFTER_OUTPUT)) {
				throw new RejectedEventException("Rejected after its notification was published");
			}
		}

		@KafkaHandler
		void on(OrderCancelled cancellation) {
			this.results.publish(new NotificationSent(UUID.randomUUID(), cancellation.orderId(), cancellation.eventId(),
					NotificationKind.ORDER_CANCELLATION, "test", "customer", Instant.now()));
		}

	}

}
