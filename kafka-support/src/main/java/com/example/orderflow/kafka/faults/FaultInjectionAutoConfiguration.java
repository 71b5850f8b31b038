package com.example.orderflow.kafka.faults;

import com.example.orderflow.kafka.consumer.ConsumerService;
import com.example.orderflow.kafka.consumer.ConsumerServiceAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fault injection for every consumer service: a {@code RecordCheck} that is off until
 * {@code orderflow.faults.*} or {@code PUT /admin/faults} switch it on.
 */
@AutoConfiguration(after = ConsumerServiceAutoConfiguration.class)
@ConditionalOnBean(ConsumerService.class)
@EnableConfigurationProperties(FaultSettings.class)
public class FaultInjectionAutoConfiguration {

	@Bean
	FaultInjection faultInjection(ConsumerService service, FaultSettings settings, MeterRegistry meters) {
		return new FaultInjection(service.group(), settings, meters);
	}

	/** Only where the service serves HTTP with Spring MVC. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class FaultsEndpointConfiguration {

		@Bean
		FaultsController faultsController(FaultInjection faults) {
			return new FaultsController(faults);
		}

	}

}
