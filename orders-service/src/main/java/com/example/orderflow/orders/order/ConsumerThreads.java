package com.example.orderflow.orders.order;

import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;

/**
 * Ends a consumer that polls on a thread of its own ({@link OrderLog},
 * {@link OrderOwnership}).
 */
final class ConsumerThreads {

	private ConsumerThreads() {
	}

	/**
	 * Wakes the consumer out of its poll, waits for its thread to end (it returns on the
	 * {@code WakeupException}), then closes it.
	 */
	static void stop(Consumer<?, ?> consumer, Thread thread) {
		consumer.wakeup();
		try {
			thread.join(Duration.ofSeconds(10).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		consumer.close(Duration.ofSeconds(5));
	}

}
