package com.example.orderflow.kafka.consumer;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a consumer service retries a record that failed, before it parks it in the group's
 * dead-letter topic.
 *
 * @param mode blocking (retry in place: the partition waits, so per-key order holds) or
 * non-blocking (retry later from the group's own retry topics: the partition moves on, so
 * a later event of the same order can overtake the failed one)
 * @param attempts blocking: deliveries in all, the first included
 * @param initialInterval blocking: the wait before the first retry
 * @param multiplier blocking: how much each wait grows
 * @param maxInterval blocking: the longest wait
 * @param delays non-blocking: one retry topic per delay; a record failing on
 * {@code orders} is handled again from {@code orders-<group>-retry-1} after the first
 * delay, and so on
 */
@ConfigurationProperties("orderflow.consumer.retry")
public record ConsumerRetryProperties(@DefaultValue("blocking") Mode mode, @DefaultValue("3") int attempts,
		@DefaultValue("200ms") Duration initialInterval, @DefaultValue("2.0") double multiplier,
		@DefaultValue("2s") Duration maxInterval, @DefaultValue( {
				"1s", "5s" }) List<Duration> delays){

	public ConsumerRetryProperties {
		delays = List.copyOf(delays);
		if (mode == Mode.NON_BLOCKING && delays.isEmpty()) {
			throw new IllegalArgumentException("Non-blocking retries need at least one delay");
		}
	}

	/**
	 * How many retry topics the group has. A blocking group still has one: it is where
	 * replayed dead letters go.
	 */
	public int retryTopicCount() {
		return (this.mode == Mode.NON_BLOCKING) ? this.delays.size() : 1;
	}

	/** The two ways to retry. */
	public enum Mode {

		BLOCKING, NON_BLOCKING

	}

}
