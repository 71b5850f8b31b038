package com.example.orderflow.notification.customer;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares notification's consumer group and output topic, which switches on the shared
 * consume-transform-produce wiring of kafka-support, and the channel customers are
 * reached through.
 */
@Configuration(proxyBeanMethods = false)
class NotificationConfiguration {

	@Bean
	ConsumerService notificationConsumerService() {
		return new ConsumerService(ConsumerGroups.NOTIFICATION, Topics.NOTIFICATIONS);
	}

	@Bean
	NotificationChannel logChannel() {
		return new LogChannel();
	}

	@Bean
	Notifications notifications(NotificationChannel channel) {
		return new Notifications(channel);
	}

}
