package com.example.orderflow.orders.order;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Requests about an order go to the instance that owns it ({@link OrderForwarding}),
 * after the request body limit has been applied and inside the request's span (the
 * observation filter comes first).
 */
@Configuration(proxyBeanMethods = false)
class OwnershipConfiguration {

	@Bean
	FilterRegistrationBean<OrderForwarding> orderForwarding(OrderOwnership ownership, OrderLog log,
			OrdersProperties properties, Tracer tracer, Propagator propagator) {
		FilterRegistrationBean<OrderForwarding> registration = new FilterRegistrationBean<>(
				new OrderForwarding(ownership, log, properties, tracer, propagator));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
		registration.setAsyncSupported(true);
		return registration;
	}

}
