package com.example.orderflow.demo.drill;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import com.example.orderflow.cluster.process.HealthProbe;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The last step of a drill that shook the cluster under every service: each running
 * instance answers UP on its readiness probe again. A listener container that stopped
 * during the drill leaves its service DOWN for good while its group's outputs can still
 * be complete (the group's other members take its partitions), so only readiness shows
 * it; the step names each instance that is not ready and its containers that do not
 * consume.
 */
final class ServicesReady {

	/** How long each instance may take to be ready again after the drill's checks. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration POLL = Duration.ofMillis(500);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ServicesReady() {
	}

	static void check(DrillReport report, SystemProcesses processes) {
		List<String> instances = Stack.SERVICES.stream()
			.flatMap((service) -> processes.instances(service).stream())
			.toList();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		List<String> notReady;
		do {
			notReady = new ArrayList<>();
			for (String instance : instances) {
				String why = whyNotReady(processes.serviceUri(instance));
				if (why != null) {
					notReady.add(instance + ": " + why);
				}
			}
			if (!notReady.isEmpty()) {
				ClusterChecks.pause(POLL);
			}
		}
		while (!notReady.isEmpty() && System.nanoTime() < deadline);
		report.check("every service ready", notReady.isEmpty(), notReady.isEmpty()
				? "%d instances answer UP on %s".formatted(instances.size(), ServiceProcess.READINESS)
				: "not ready %d s after the drill: %s".formatted(TIMEOUT.toSeconds(), String.join("; ", notReady)));
	}

	/**
	 * Null when the instance is ready; else its status and each of its listener
	 * containers that does not consume, as its readiness probe reports them.
	 */
	static String whyNotReady(URI service) {
		Optional<HealthProbe.Answer> answer = HealthProbe.ask(service.resolve(ServiceProcess.READINESS));
		if (answer.isEmpty()) {
			return "no answer";
		}
		if (answer.get().up()) {
			return null;
		}
		try {
			JsonNode health = JSON.readTree(answer.get().body());
			JsonNode containers = health.path("components").path("kafkaListeners").path("details").path("containers");
			List<String> idle = StreamSupport.stream(containers.spliterator(), false)
				.filter((container) -> !container.path("state").asString().equals("consuming"))
				.map((container) -> container.path("id").asString() + " " + container.path("state").asString())
				.toList();
			return health.path("status").asString("?")
					+ (idle.isEmpty() ? "" : " (listener containers " + String.join(", ", idle) + ")");
		}
		catch (JacksonException ex) {
			return "HTTP " + answer.get().status() + ", not health JSON";
		}
	}

}
