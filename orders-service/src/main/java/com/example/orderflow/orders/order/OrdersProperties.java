package com.example.orderflow.orders.order;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the orders API.
 *
 * @param idempotencyKeys how many recent {@code Idempotency-Key}s are remembered; a retry
 * after that many newer keys is treated as a new order
 * @param retryAfter what a 503 tells the caller to wait before retrying
 * @param transactionWarmUp how long the service tries, before it reports ready, to commit
 * one empty transaction (see {@link TransactionalProducerWarmUp}); zero skips it
 */
@ConfigurationProperties("orderflow.orders")
record OrdersProperties(@DefaultValue("10000") int idempotencyKeys, @DefaultValue("5s") Duration retryAfter,
		@DefaultValue("60s") Duration transactionWarmUp) {

	OrdersProperties {
		if (idempotencyKeys < 1) {
			throw new IllegalArgumentException("orderflow.orders.idempotency-keys must be at least 1");
		}
		if (retryAfter.isNegative()) {
			throw new IllegalArgumentException("orderflow.orders.retry-after must not be negative");
		}
	}

}
