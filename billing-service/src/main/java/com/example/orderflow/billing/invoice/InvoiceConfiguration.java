package com.example.orderflow.billing.invoice;

import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Picks the billing version and role and declares their consumer group and output topic,
 * which switches on the shared consume-transform-produce wiring of kafka-support, and the
 * invoicing under that version's pricing rule.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BillingProperties.class)
class InvoiceConfiguration {

	@Bean
	BillingWriter billingWriter(BillingProperties billing) {
		return billing.writer();
	}

	@Bean
	ConsumerService billingConsumerService(BillingWriter writer) {
		return new ConsumerService(writer.group(), writer.outputTopic());
	}

	@Bean
	Invoicing invoicing(BillingWriter writer) {
		return new Invoicing(writer.version());
	}

}
