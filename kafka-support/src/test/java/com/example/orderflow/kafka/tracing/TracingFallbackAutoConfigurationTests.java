package com.example.orderflow.kafka.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code that traces always finds a tracer and a propagator: Brave's where Boot configures
 * it, no-ops where Brave is left out (the bench's "tracing off"), where Boot alone would
 * give no propagator and a service would not start.
 */
class TracingFallbackAutoConfigurationTests {

	/**
	 * What Boot configures in a service: Brave's tracing and the no-op tracer's fallback.
	 */
	private final ApplicationContextRunner withBrave = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BraveAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
				NoopTracerAutoConfiguration.class, TracingFallbackAutoConfiguration.class));

	/** The same with Brave left out. */
	private final ApplicationContextRunner withoutBrave = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MicrometerTracingAutoConfiguration.class, NoopTracerAutoConfiguration.class));

	@Test
	void withBraveTheServiceUsesBravesTracerAndPropagator() {
		this.withBrave.run((context) -> {
			assertThat(context.getBean(Tracer.class)).isNotSameAs(Tracer.NOOP);
			assertThat(context.getBean(Propagator.class)).isNotSameAs(Propagator.NOOP);
			assertThat(context.getBean(Propagator.class).fields()).contains("traceparent");
		});
	}

	@Test
	void withoutBraveTheServiceGetsNoOpsWhereBootAloneGivesNoPropagator() {
		this.withoutBrave
			.run((context) -> assertThat(context).hasSingleBean(Tracer.class).doesNotHaveBean(Propagator.class));
		this.withoutBrave.withConfiguration(AutoConfigurations.of(TracingFallbackAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(Tracer.class).hasSingleBean(Propagator.class);
				assertThat(context.getBean(Propagator.class)).isSameAs(Propagator.NOOP);
			});
	}

}
