package com.example.orderflow.testsupport;

import org.testcontainers.DockerClientFactory;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Asks Testcontainers once per JVM whether a Docker engine answers. */
final class DockerAvailability {

	private static final boolean AVAILABLE = detect();

	private DockerAvailability() {
	}

	static boolean isAvailable() {
		return AVAILABLE;
	}

	private static boolean detect() {
		if (Boolean.getBoolean("orderflow.tests.no-docker")) {
			return false;
		}
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/** Matches when a Docker engine answers. */
	static final class Present implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return isAvailable();
		}

	}

	/** Matches when no Docker engine answers. */
	static final class Absent implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !isAvailable();
		}

	}

}
