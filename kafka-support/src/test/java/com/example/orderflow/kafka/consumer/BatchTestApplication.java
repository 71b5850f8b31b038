package com.example.orderflow.kafka.consumer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * A consumer service for the tests of {@link ConsumeTransformProduce}: one notification
 * per order event, and customers whose names ask for trouble. The group and the output
 * topic come from {@code test.group} and {@code test.output}, so each test class has its
 * own.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(BatchTestApplication.OrdersListener.class)
class BatchTestApplication {

	/** Publishes its notification, then is rejected: none of its output may commit. */
	static final String REJECTED_AFTER_OUTPUT = "rejected-after-output-";

	/** Fails its first delivery with a transient failure. */
	static final String FAILS_ONCE = "fails-once-";

	/** Takes 20 ms to handle. */
	static final String SLOW = "slow-";

	static final String ORDERS_LISTENER = "batch-orders";

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

	@Bean
	CommitFault commitFault() {
		return new CommitFault();
	}

	@Bean
	DefaultKafkaProducerFactoryCustomizer commitFaultOnEveryProducer(CommitFault fault) {
		return (factory) -> addPostProcessor(factory, fault);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void addPostProcessor(DefaultKafkaProducerFactory factory, CommitFault fault) {
		factory.addPostProcessor((producer) -> fault.wrap((Producer<Object, Object>) producer));
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

	/**
	 * Once armed, the next commit of any producer reaches the cluster and commits, and
	 * then the client reports a timeout: what a commit looks like when the coordinator
	 * wrote it but its answer never came (two brokers down, say).
	 */
	static final class CommitFault {

		private final AtomicBoolean armed = new AtomicBoolean();

		private final AtomicBoolean fired = new AtomicBoolean();

		void arm() {
			this.fired.set(false);
			this.armed.set(true);
		}

		boolean fired() {
			return this.fired.get();
		}

		@SuppressWarnings("unchecked")
		Producer<Object, Object> wrap(Producer<Object, Object> producer) {
			return (Producer<Object, Object>) Proxy.newProxyInstance(Producer.class.getClassLoader(),
					new Class<?>[] { Producer.class }, (proxy, method, arguments) -> {
						Object result;
						try {
							result = method.invoke(producer, arguments);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
						if (method.getName().equals("commitTransaction") && this.armed.compareAndSet(true, false)) {
							this.fired.set(true);
							throw new TimeoutException("Timeout expired while awaiting EndTxn(true) (a test's fault:"
									+ " the transaction did commit)");
						}
						return result;
					});
		}

	}

}
