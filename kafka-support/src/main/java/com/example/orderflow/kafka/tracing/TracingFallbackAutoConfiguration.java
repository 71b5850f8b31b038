package com.example.orderflow.kafka.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A {@link Tracer} and a {@link Propagator} in every service, so the code that traces
 * never asks whether tracing is on: Brave's when Boot configured it, no-ops where it did
 * not (Brave's auto-configuration left out, as the bench's "tracing off" does: Boot then
 * gives a no-op {@code Tracer} but no {@code Propagator}).
 */
@AutoConfiguration(after = { BraveAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
		NoopTracerAutoConfiguration.class })
public class TracingFallbackAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Tracer noopTracer() {
		return Tracer.NOOP;
	}

	@Bean
	@ConditionalOnMissingBean
	Propagator noopPropagator() {
		return Propagator.NOOP;
	}

}
