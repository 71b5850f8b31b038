/**
 * What every consumer service shares: its topics, transactional consume-transform-produce
 * with failed records parked in the group's own dead-letter topic, and per-record metrics
 * and log context. A service opts in by declaring one
 * {@link com.example.orderflow.kafka.consumer.ConsumerService} bean.
 */
package com.example.orderflow.kafka.consumer;
