package com.example.orderflow.kafka.consumer;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * When a record from a retry topic may be handled: not before its
 * {@code orderflow-due-at}. The retry topics have a listener container of their own, so
 * {@code orders} keeps flowing while it waits; records on one retry topic all wait the
 * same delay, so waiting for the head of a partition is waiting in due order.
 * {@link ConsumeTransformProduce} waits between transactions, never inside one.
 */
class RetryDelay {

	/** Stays well inside {@code max.poll.interval.ms} (5 minutes by default). */
	static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

	private final RetryTopics retryTopics;

	private final Clock clock;

	RetryDelay(RetryTopics retryTopics, Clock clock) {
		this.retryTopics = retryTopics;
		this.clock = clock;
	}

	/**
	 * How long the record must still wait: zero for every record not on a retry topic.
	 */
	Duration untilDue(ConsumerRecord<?, ?> record) {
		if (!this.retryTopics.contains(record.topic())) {
			return Duration.ZERO;
		}
		long wait = OrderflowHeaders.longValue(record.headers(), OrderflowHeaders.DUE_AT)
			.map((dueAt) -> dueAt - this.clock.millis())
			.orElse(0L);
		return Duration.ofMillis(Math.max(0, Math.min(wait, LONGEST_WAIT.toMillis())));
	}

}
