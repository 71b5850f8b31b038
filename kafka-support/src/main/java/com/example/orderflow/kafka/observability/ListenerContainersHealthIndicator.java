package com.example.orderflow.kafka.observability;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The {@code kafkaListeners} health contributor, part of readiness: a consumer service is
 * ready only while its listener containers consume.
 * <ul>
 * <li>{@code DOWN} when a container that should run does not: it stopped after a fatal
 * error, or someone stopped it. Something is broken and needs a person.</li>
 * <li>{@code OUT_OF_SERVICE} while a started container's consumers have not yet joined
 * their group. Nothing is broken, the service is just not consuming yet.</li>
 * <li>{@code UP} otherwise, and when the application has no listener containers at all
 * (orders-service).</li>
 * </ul>
 * "Joined" means the consumer completed a rebalance at least once since it started (the
 * client's {@code rebalance-total} metric), not that it holds partitions right now: a
 * later rebalance must not flap readiness, and a member that got no partitions (more
 * instances than partitions, as during a rolling update) is still a healthy member.
 * Containers that only start on demand are listed but count only when they failed.
 */
class ListenerContainersHealthIndicator implements HealthIndicator {

	private static final String COORDINATOR_METRICS = "consumer-coordinator-metrics";

	private static final String REBALANCES = "rebalance-total";

	private final ObjectProvider<KafkaListenerEndpointRegistry> registry;

	ListenerContainersHealthIndicator(ObjectProvider<KafkaListenerEndpointRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public Health health() {
		KafkaListenerEndpointRegistry containers = this.registry.getIfAvailable();
		List<Container> states = (containers != null) ? containers.getAllListenerContainers()
			.stream()
			.map(Container::of)
			.sorted(Comparator.comparing(Container::id))
			.toList() : List.of();
		return Health.status(worst(states)).withDetail("containers", states).build();
	}

	private static Status worst(List<Container> states) {
		List<Status> statuses = states.stream().map(Container::status).toList();
		if (statuses.contains(Status.DOWN)) {
			return Status.DOWN;
		}
		return statuses.contains(Status.OUT_OF_SERVICE) ? Status.OUT_OF_SERVICE : Status.UP;
	}

	/**
	 * One listener container as readiness sees it.
	 *
	 * @param id the listener id
	 * @param group the consumer group, {@code null} for assigned partitions without a
	 * group
	 * @param state {@code consuming}, {@code joining}, {@code stopped} or {@code failed}
	 * (stopped abnormally, maybe only one of its consumers)
	 * @param running whether the container runs
	 * @param autoStartup whether it starts with the application; one that starts only on
	 * demand counts for readiness only when it failed
	 * @param assignedPartitions the partitions its consumers hold now, as
	 * {@code topic-partition}
	 */
	record Container(String id, String group, String state, boolean running, boolean autoStartup,
			List<String> assignedPartitions) {

		static Container of(MessageListenerContainer container) {
			boolean running = container.isRunning();
			String state;
			if (!container.isInExpectedState()) {
				state = "failed";
			}
			else if (!running) {
				state = "stopped";
			}
			else {
				state = hasJoined(container) ? "consuming" : "joining";
			}
			Collection<TopicPartition> assigned = container.getAssignedPartitions();
			List<String> partitions = (assigned != null)
					? assigned.stream().map(TopicPartition::toString).sorted().toList() : List.of();
			return new Container(String.valueOf(container.getListenerId()), container.getGroupId(), state, running,
					container.isAutoStartup(), partitions);
		}

		Status status() {
			return switch (this.state) {
				case "failed" -> Status.DOWN;
				case "stopped" -> this.autoStartup ? Status.DOWN : Status.UP;
				case "joining" -> this.autoStartup ? Status.OUT_OF_SERVICE : Status.UP;
				default -> Status.UP;
			};
		}

		/**
		 * Every consumer of the container completed a rebalance, or holds partitions it
		 * was given without one (manual assignment).
		 */
		private static boolean hasJoined(MessageListenerContainer container) {
			Map<String, Map<MetricName, ? extends Metric>> clients = container.metrics();
			Map<String, Collection<TopicPartition>> assignments = container.getAssignmentsByClientId();
			if (clients == null || clients.isEmpty()) {
				Collection<TopicPartition> assigned = container.getAssignedPartitions();
				return assigned != null && !assigned.isEmpty();
			}
			return clients.entrySet().stream().allMatch((client) -> {
				Collection<TopicPartition> assigned = (assignments != null) ? assignments.get(client.getKey()) : null;
				return (assigned != null && !assigned.isEmpty()) || rebalances(client.getValue()) > 0;
			});
		}

		private static double rebalances(Map<MetricName, ? extends Metric> metrics) {
			return metrics.entrySet()
				.stream()
				.filter((metric) -> REBALANCES.equals(metric.getKey().name())
						&& COORDINATOR_METRICS.equals(metric.getKey().group()))
				.map((metric) -> metric.getValue().metricValue())
				.filter(Number.class::isInstance)
				.mapToDouble((value) -> ((Number) value).doubleValue())
				.max()
				.orElse(0);
		}

	}

}
