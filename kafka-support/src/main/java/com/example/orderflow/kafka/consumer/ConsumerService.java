package com.example.orderflow.kafka.consumer;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;

/**
 * Declares that this application is one consumer group on {@link Topics#ORDERS} that
 * writes its results to one output topic. Declaring it as a bean switches on
 * {@link ConsumerServiceAutoConfiguration}.
 *
 * @param group the consumer group id, one of {@link ConsumerGroups}
 * @param outputTopic the topic the group writes its results to
 */
public record ConsumerService(String group, String outputTopic) {

	/** The group's own dead-letter topic. */
	public String deadLetterTopic() {
		return Topics.deadLetter(this.group);
	}

	/**
	 * The group's n-th retry topic (from 1). The first is also where replayed dead
	 * letters go, for blocking and non-blocking services alike: never {@code orders},
	 * which every group reads.
	 */
	public String retryTopic(int level) {
		return Topics.retry(this.group, level);
	}

}
