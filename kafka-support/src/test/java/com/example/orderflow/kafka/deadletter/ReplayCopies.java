package com.example.orderflow.kafka.deadletter;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import com.example.orderflow.testsupport.TestKafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import static com.example.orderflow.kafka.deadletter.DeadLetterTestApplication.GROUP;

/**
 * The copies that replays wrote to the group's first retry topic, read committed, by the
 * parked record each names as its origin.
 */
final class ReplayCopies {

	static final String RETRY_1 = Topics.retry(GROUP, 1);

	private ReplayCopies() {
	}

	static List<ConsumerRecord<String, byte[]>> of(TestKafkaClients clients, ParkedRecord parked) {
		return of(clients, List.of(parked));
	}

	static List<ConsumerRecord<String, byte[]>> of(TestKafkaClients clients, Collection<ParkedRecord> parked) {
		Set<String> ids = parked.stream().map((record) -> record.id().toString()).collect(Collectors.toSet());
		return clients.readCommittedBytes(RETRY_1)
			.stream()
			.filter((record) -> OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM)
				.filter(ids::contains)
				.isPresent())
			.toList();
	}

	/** How many copies name each parked record as their origin. */
	static Map<ParkedRecordId, Long> countByOrigin(TestKafkaClients clients) {
		return clients.readCommittedBytes(RETRY_1)
			.stream()
			.flatMap((record) -> OrderflowHeaders.text(record.headers(), OrderflowHeaders.REPLAYED_FROM).stream())
			.flatMap((from) -> ParkedRecordId.parse(from).stream())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

}
