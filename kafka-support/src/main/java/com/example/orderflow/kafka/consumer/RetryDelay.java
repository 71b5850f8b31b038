package com.example.orderflow.kafka.consumer;

import java.time.Clock;
import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Holds a record from a retry topic until its due time. It runs on the retry listener's
 * own consumer thread, so {@code orders} keeps flowing meanwhile; records on one retry
 * topic all wait the same delay, so waiting for the head of a partition is waiting in due
 * order. The wait happens before anything is sent, so it does not count against the
 * transaction timeout.
 */
class RetryDelay {

	/** Stays well inside {@code max.poll.interval.ms} (5 minutes by default). */
	private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

	private final RetryTopics retryTopics;

	private final Clock clock;

	RetryDelay(RetryTopics retryTopics, Clock clock) {
		this.retryTopics = retryTopics;
		this.clock = clock;
	}

	void awaitDue(ConsumerRecord<?, ?> record) {
		if (!this.retryTopics.contains(record.topic())) {
			return;
		}
		long wait = OrderflowHeaders.longValue(record.headers(), OrderflowHeaders.DUE_AT)
			.map((dueAt) -> dueAt - this.clock.millis())
			.orElse(0L);
		if (wait > 0) {
			try {
				Thread.sleep(Math.min(wait, LONGEST_WAIT.toMillis()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
