package com.example.orderflow.testsupport;

import java.time.Duration;

import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import static org.awaitility.Awaitility.await;

/**
 * Waits until every listener container of the application has partitions assigned.
 * Produce only after this, or a test races the group's first rebalance and flakes.
 */
public final class ListenerAssignments {

	private ListenerAssignments() {
	}

	public static void awaitAssigned(KafkaListenerEndpointRegistry registry) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> !registry.getListenerContainers().isEmpty()
					&& registry.getListenerContainers().stream().allMatch(ListenerAssignments::isAssigned));
	}

	private static boolean isAssigned(MessageListenerContainer container) {
		return container.isRunning() && container.getAssignedPartitions() != null
				&& !container.getAssignedPartitions().isEmpty();
	}

}
