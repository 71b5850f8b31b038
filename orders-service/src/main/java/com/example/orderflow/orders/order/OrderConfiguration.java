package com.example.orderflow.orders.order;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Settings of the orders feature and the topic it writes to. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class OrderConfiguration {

	/**
	 * Boot's {@code KafkaAdmin} creates the topic at startup if it is missing, so the
	 * service also works on a fresh cluster; replication is the broker's default (3 on
	 * the local cluster).
	 */
	@Bean
	NewTopic ordersTopic() {
		return TopicBuilder.name(Topics.ORDERS).partitions(Topics.PARTITIONS).build();
	}

}
