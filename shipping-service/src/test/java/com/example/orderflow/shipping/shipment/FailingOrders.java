package com.example.orderflow.shipping.shipment;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.kafka.consumer.RecordCheck;
import com.example.orderflow.kafka.consumer.RejectedEventException;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Orders that shipping fails on purpose, and only those: one configuration for every
 * shipping flow test, so that they share one application context (and one member of the
 * shipping group) instead of starting one each.
 */
@TestConfiguration(proxyBeanMethods = false)
class FailingOrders {

	/**
	 * Orders of customers with this prefix are rejected: a business rule, never retried.
	 */
	static final String REJECTED = "rejected-";

	/** Event ids whose first delivery fails, as a transient fault would. */
	static final Set<UUID> failOnce = ConcurrentHashMap.newKeySet();

	@Bean
	RecordCheck rejectSomeCustomers() {
		return (record) -> {
			if (record.value() instanceof OrderCreated order && order.customerId().startsWith(REJECTED)) {
				throw new RejectedEventException("Customer " + order.customerId() + " may not be shipped to");
			}
		};
	}

	@Bean
	RecordCheck failFirstDelivery() {
		return (record) -> {
			if (record.value() instanceof DomainEvent event && failOnce.remove(event.eventId())) {
				throw new IllegalStateException("Transient failure of " + event.eventId());
			}
		};
	}

}
