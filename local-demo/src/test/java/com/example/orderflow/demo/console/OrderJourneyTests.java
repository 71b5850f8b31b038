package com.example.orderflow.demo.console;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderJourneyTests {

	/**
	 * The journey reads one partition per topic: the one Kafka's producer puts the key
	 * in. Were it another, the journey would show an order with no records.
	 */
	@Test
	void readsThePartitionTheProducersDefaultPartitionerChoosesForTheKey() {
		List<PartitionInfo> six = IntStream.range(0, 6)
			.mapToObj((partition) -> new PartitionInfo("orders", partition, Node.noNode(), new Node[0], new Node[0]))
			.toList();
		for (int n = 0; n < 200; n++) {
			String orderId = UUID.randomUUID().toString();
			assertThat(OrderJourney.partitionOf(orderId, six)).as(orderId)
				.isEqualTo(BuiltInPartitioner.partitionForKey(orderId.getBytes(StandardCharsets.UTF_8), 6));
		}
	}

}
