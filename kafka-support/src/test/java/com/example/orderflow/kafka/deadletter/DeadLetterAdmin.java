package com.example.orderflow.kafka.deadletter;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.example.orderflow.testsupport.ListenerAssignments;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.awaitility.Awaitility.await;

/**
 * One instance of the dead-letter tests' service as the tests call it over HTTP: its
 * fault switches, its parked records and their replay.
 */
final class DeadLetterAdmin {

	static final Duration WITHIN = Duration.ofSeconds(60);

	private static final ParameterizedTypeReference<List<ParkedRecord>> PARKED_LIST = new ParameterizedTypeReference<>() {
	};

	private final RestTestClient http;

	DeadLetterAdmin(int port) {
		this.http = RestTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
	}

	/**
	 * The admin of an instance whose listeners own their partitions and whose index of
	 * parked records is loaded, with every fault switched off: where each test starts.
	 */
	static DeadLetterAdmin whenReady(int port, KafkaListenerEndpointRegistry registry, ParkedRecords index) {
		ListenerAssignments.awaitAssigned(registry);
		await().atMost(WITHIN).until(index::isLoaded);
		DeadLetterAdmin admin = new DeadLetterAdmin(port);
		admin.switchFaultsOff();
		return admin;
	}

	/** A customer name to fail on: each test's own, so no test parks another's orders. */
	static String marker() {
		return "poison-" + UUID.randomUUID();
	}

	RestTestClient http() {
		return this.http;
	}

	void switchOn(Map<String, Object> faults) {
		this.http.put()
			.uri("/admin/faults")
			.contentType(MediaType.APPLICATION_JSON)
			.body(faults)
			.exchange()
			.expectStatus()
			.isOk();
	}

	void switchFaultsOff() {
		this.http.delete().uri("/admin/faults").exchange().expectStatus().isOk();
	}

	RestTestClient.ResponseSpec replay(ParkedRecord parked) {
		return this.http.post()
			.uri("/admin/dead-letters/{partition}/{offset}/replay", parked.partition(), parked.offset())
			.exchange();
	}

	List<ParkedRecord> list() {
		return this.http.get()
			.uri("/admin/dead-letters")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(PARKED_LIST)
			.returnResult()
			.getResponseBody();
	}

	List<ParkedRecord> parkedFor(UUID orderId) {
		return list().stream().filter((record) -> orderId.toString().equals(record.key())).toList();
	}

	/** The parked copy of an order's event that was replayed this often before. */
	ParkedRecord awaitParked(UUID orderId, int replayCount) {
		return await().atMost(WITHIN)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> parkedFor(orderId).stream()
				.filter((record) -> record.replayCount() == replayCount)
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

}
