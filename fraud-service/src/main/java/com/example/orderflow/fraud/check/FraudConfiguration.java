package com.example.orderflow.fraud.check;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares fraud's consumer group and output topic, which switches on the shared
 * consume-transform-produce wiring of kafka-support, and the fraud check with its rules.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FraudProperties.class)
class FraudConfiguration {

	@Bean
	ConsumerService fraudConsumerService() {
		return new ConsumerService(ConsumerGroups.FRAUD, Topics.FRAUD_DECISIONS);
	}

	@Bean
	FraudCheck fraudCheck(FraudProperties properties) {
		return new FraudCheck(properties);
	}

}
