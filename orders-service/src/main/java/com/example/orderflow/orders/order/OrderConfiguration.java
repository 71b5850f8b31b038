package com.example.orderflow.orders.order;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** Settings of the orders feature, how it reads requests, and the topic it writes to. */
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

	/**
	 * A string is read only from a JSON string. By default Jackson turns
	 * {@code "customerId": 42} or {@code "sku": true} into {@code "42"} and
	 * {@code "true"}, so a value of the wrong type would pass as a valid order.
	 */
	@Bean
	JsonMapperBuilderCustomizer stringsOnlyFromJsonStrings() {
		return (builder) -> builder.withCoercionConfig(LogicalType.Textual,
				(strings) -> strings.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
	}

}
