package com.example.orderflow.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs before the listener for every record of a consumer service and may throw to fail
 * that delivery, which then takes the group's normal failure path (retry, then
 * dead-letter topic). Every bean of this type is applied.
 */
@FunctionalInterface
public interface RecordCheck {

	void check(ConsumerRecord<?, ?> record);

}
