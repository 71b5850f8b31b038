package com.example.orderflow.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.example.orderflow.events.HandlingRuns.Handled;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandlingRunsTests {

	@Test
	void aPartitionHandedOverAndBackIsHandledOneInstanceAtATime() {
		List<Handled> handled = new ArrayList<>();
		range(handled, "orders-0", 0, 9, "fraud-service");
		range(handled, "orders-0", 10, 19, "fraud-service-2");
		range(handled, "orders-0", 20, 25, "fraud-service");
		range(handled, "orders-1", 0, 30, "fraud-service-3");

		assertThat(HandlingRuns.interleavings(handled)).isEmpty();
	}

	@Test
	void twoInstancesHandlingOnePartitionAtOnceInterleave() {
		List<Handled> handled = new ArrayList<>();
		range(handled, "orders-2", 0, 9, "instance-a");
		range(handled, "orders-2", 5, 14, "instance-b");

		assertThat(HandlingRuns.interleavings(handled)).isNotEmpty()
			.first()
			.asString()
			.contains("orders-2")
			.contains("instance-a")
			.contains("instance-b");
	}

	@Test
	void anInstanceTakingOverWhereTheOtherStoppedDoesNotInterleaveButOneOverlappingInputDoes() {
		List<Handled> handled = new ArrayList<>();
		range(handled, "orders-3", 0, 9, "instance-a");
		range(handled, "orders-3", 10, 19, "instance-b");
		assertThat(HandlingRuns.interleavings(handled)).isEmpty();

		handled.add(new Handled("orders-3", 9, "instance-b"));
		assertThat(HandlingRuns.interleavings(handled)).isNotEmpty();
	}

	@Test
	void readsInstanceAndInputFromTheOutputsHeaders() {
		ConsumerRecord<String, byte[]> output = new ConsumerRecord<>("fraud-decisions", 1, 7, "key", new byte[0]);
		output.headers().add(HandlingRuns.INSTANCE, "fraud-service-2".getBytes(StandardCharsets.UTF_8));
		output.headers().add(HandlingRuns.INPUT, "orders-retry-1-4@1234".getBytes(StandardCharsets.UTF_8));

		assertThat(Handled.of(output)).contains(new Handled("orders-retry-1-4", 1234, "fraud-service-2"));
		assertThat(Handled.of(new ConsumerRecord<>("fraud-decisions", 1, 8, "key", new byte[0]))).isEmpty();
	}

	private static void range(List<Handled> handled, String partition, long from, long to, String instance) {
		for (long offset = from; offset <= to; offset++) {
			handled.add(new Handled(partition, offset, instance));
		}
	}

}
