package com.example.orderflow.billing.invoice;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.kafka.consumer.RecordCheck;
import com.example.orderflow.kafka.consumer.RejectedEventException;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Orders that billing fails on purpose, chosen by the customerId's prefix so that no
 * other order is touched: one configuration for every billing flow test, so that they
 * share one application context (and one member of the billing group) instead of starting
 * one each.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FailingOrders {

	/**
	 * Orders of customers with this prefix are rejected: a business rule, never retried.
	 */
	public static final String REJECTED = "rejected-";

	/** Orders of customers with this prefix fail on every delivery. */
	public static final String ALWAYS_FAILS = "always-fails-";

	@Bean
	RecordCheck rejectSomeCustomers() {
		return (record) -> {
			if (record.value() instanceof OrderCreated order && order.customerId().startsWith(REJECTED)) {
				throw new RejectedEventException("Customer " + order.customerId() + " may not be billed");
			}
		};
	}

	@Bean
	RecordCheck failAlwaysFailingCustomers() {
		return (record) -> {
			if (record.value() instanceof OrderCreated order && order.customerId().startsWith(ALWAYS_FAILS)) {
				throw new IllegalStateException("Order of " + order.customerId() + " always fails");
			}
		};
	}

}
