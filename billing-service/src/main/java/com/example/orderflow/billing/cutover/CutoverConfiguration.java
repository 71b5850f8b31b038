package com.example.orderflow.billing.cutover;

import java.time.Clock;

import com.example.orderflow.billing.invoice.BillingWriter;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The live-writer topic, the switch that follows it, and the cut-over that moves it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CutoverProperties.class)
class CutoverConfiguration {

	/** One partition: one record orders every change; compacted: only the last counts. */
	@Bean
	NewTopic billingLiveWriterTopic() {
		return TopicBuilder.name(Topics.BILLING_LIVE_WRITER)
			.partitions(1)
			.config(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
			.build();
	}

	@Bean
	LiveWriterLog liveWriterLog(KafkaAdmin admin, JsonMapper json) {
		return new LiveWriterLog(admin.getConfigurationProperties(), json);
	}

	@Bean
	LiveWriterSwitch liveWriterSwitch(LiveWriterLog log, BillingWriter writer, KafkaListenerEndpointRegistry registry) {
		return new LiveWriterSwitch(log, writer, registry);
	}

	@Bean
	BillingCutover billingCutover(LiveWriterLog log, KafkaAdmin admin, CutoverProperties properties) {
		return new BillingCutover(log, admin.getConfigurationProperties(), properties.groupTimeout(),
				Clock.systemUTC());
	}

}
