package com.example.orderflow.shipping.shipment;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares shipping's consumer group and output topic, which switches on the shared
 * consume-transform-produce wiring of kafka-support, and the shipments it decides.
 */
@Configuration(proxyBeanMethods = false)
class ShipmentConfiguration {

	@Bean
	ConsumerService shippingConsumerService() {
		return new ConsumerService(ConsumerGroups.SHIPPING, Topics.SHIPMENTS);
	}

	@Bean
	Shipments shipments() {
		return new Shipments();
	}

}
