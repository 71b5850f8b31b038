package com.example.orderflow.kafka.consumer;

import java.util.List;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * What runs between poll and listener for every record: wait for a retry's due time, then
 * every {@link RecordCheck} (fault injection, for one). A check that throws fails the
 * delivery like the listener would have.
 */
class BeforeListener implements RecordInterceptor<Object, Object> {

	private final RetryDelay retryDelay;

	private final List<RecordCheck> checks;

	BeforeListener(RetryDelay retryDelay, List<RecordCheck> checks) {
		this.retryDelay = retryDelay;
		this.checks = List.copyOf(checks);
	}

	@Override
	public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
			Consumer<Object, Object> consumer) {
		this.retryDelay.awaitDue(record);
		this.checks.forEach((check) -> check.check(record));
		return record;
	}

}
