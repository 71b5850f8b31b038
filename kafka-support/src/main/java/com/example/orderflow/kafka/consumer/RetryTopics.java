package com.example.orderflow.kafka.consumer;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The group's own retry topics, in order. A service's retry listener subscribes to them
 * with {@code @KafkaListener(topics = "#{@retryTopics.names()}")}, in a container of its
 * own, so that waiting for a retry's due time never holds up {@code orders}.
 *
 * @param names {@code orders-<group>-retry-1} and up
 */
public record RetryTopics(List<String> names) {

	public RetryTopics {
		names = List.copyOf(names);
	}

	static RetryTopics of(ConsumerService service, ConsumerRetryProperties retry) {
		return new RetryTopics(
				IntStream.rangeClosed(1, retry.retryTopicCount()).mapToObj(service::retryTopic).toList());
	}

	boolean contains(String topic) {
		return this.names.contains(topic);
	}

}
