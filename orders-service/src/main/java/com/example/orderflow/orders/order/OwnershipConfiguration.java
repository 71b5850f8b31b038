package com.example.orderflow.orders.order;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Requests about an order go to the instance that owns it ({@link OrderForwarding}),
 * after the request body limit has been applied.
 */
@Configuration(proxyBeanMethods = false)
class OwnershipConfiguration {

	@Bean
	FilterRegistrationBean<OrderForwarding> orderForwarding(OrderOwnership ownership, OrderLog log,
			OrdersProperties properties) {
		FilterRegistrationBean<OrderForwarding> registration = new FilterRegistrationBean<>(
				new OrderForwarding(ownership, log, properties));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		registration.setAsyncSupported(true);
		return registration;
	}

}
