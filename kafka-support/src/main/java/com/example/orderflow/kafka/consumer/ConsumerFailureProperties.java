package com.example.orderflow.kafka.consumer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a consumer service retries a failed record in place (blocking, so per-key order
 * holds) before it parks the record in the group's dead-letter topic.
 *
 * @param attempts deliveries in all, the first included
 * @param initialInterval the wait before the first retry
 * @param multiplier how much each wait grows
 * @param maxInterval the longest wait
 */
@ConfigurationProperties("orderflow.consumer.retry")
public record ConsumerFailureProperties(@DefaultValue("3") int attempts,
		@DefaultValue("200ms") Duration initialInterval, @DefaultValue("2.0") double multiplier,
		@DefaultValue("2s") Duration maxInterval) {

}
