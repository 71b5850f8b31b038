package com.example.orderflow.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A service started by {@code ./demo} or a system test gets
 * {@code --orderflow.parent-pid}: when that launcher disappears (even by
 * {@code kill -9}), the service shuts down too, so no test run or demo leaves a JVM
 * behind.
 */
@AutoConfiguration
@ConditionalOnProperty("orderflow.parent-pid")
public class ParentProcessAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ParentProcessAutoConfiguration.class);

	@Bean
	ApplicationListener<ApplicationReadyEvent> exitWithParentProcess(Environment environment) {
		long parentPid = environment.getRequiredProperty("orderflow.parent-pid", Long.class);
		return (ready) -> ProcessHandle.of(parentPid)
			.map(ProcessHandle::onExit)
			.ifPresentOrElse((exit) -> exit.thenRun(() -> shutDown(ready.getApplicationContext(), parentPid)),
					() -> shutDown(ready.getApplicationContext(), parentPid));
	}

	private static void shutDown(ConfigurableApplicationContext context, long parentPid) {
		logger.warn("Launcher process {} is gone: shutting down", parentPid);
		System.exit(SpringApplication.exit(context, () -> 0));
	}

}
