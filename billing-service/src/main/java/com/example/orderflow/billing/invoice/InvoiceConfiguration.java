package com.example.orderflow.billing.invoice;

import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Picks the billing version and declares its consumer group and output topic, which
 * switches on the shared consume-transform-produce wiring of kafka-support, and the
 * invoicing under that version's pricing rule.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BillingProperties.class)
class InvoiceConfiguration {

	@Bean
	BillingVersion billingVersion(BillingProperties billing) {
		return billing.version();
	}

	@Bean
	ConsumerService billingConsumerService(BillingVersion version) {
		return new ConsumerService(version.group(), version.outputTopic());
	}

	@Bean
	Invoicing invoicing(BillingVersion version) {
		return new Invoicing(version);
	}

}
