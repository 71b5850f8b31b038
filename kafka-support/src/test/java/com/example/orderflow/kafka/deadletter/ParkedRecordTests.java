package com.example.orderflow.kafka.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class ParkedRecordTests {

	@Test
	void originIsTheFirstHopAndTheFailureTheLast() {
		Headers headers = new RecordHeaders();
		hop(headers, "orders", 4, 120L, 1_000L, "java.lang.IllegalStateException", "first failure");
		hop(headers, "orders-g-retry-1", 4, 7L, 2_000L, "com.example.Boom", "last failure");
		OrderflowHeaders.set(headers, OrderflowHeaders.ATTEMPT, 3);
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAY_COUNT, 2);

		ParkedRecord parked = ParkedRecord.from(record(headers));

		assertThat(parked.id()).isEqualTo(new ParkedRecordId(4, 42));
		assertThat(parked.key()).isEqualTo("order-1");
		assertThat(parked.originalTopic()).isEqualTo("orders");
		assertThat(parked.originalPartition()).isEqualTo(4);
		assertThat(parked.originalOffset()).isEqualTo(120L);
		assertThat(parked.originalTimestamp()).isEqualTo(Instant.ofEpochMilli(1_000L));
		assertThat(parked.exceptionClass()).isEqualTo("com.example.Boom");
		assertThat(parked.exceptionMessage()).isEqualTo("last failure");
		assertThat(parked.attempts()).isEqualTo(3);
		assertThat(parked.replayCount()).isEqualTo(2);
		assertThat(parked.parkedAt()).isEqualTo(Instant.ofEpochMilli(5_000L));
	}

	@Test
	void recordWithoutOrderflowHeadersIsAFirstAttemptNeverReplayed() {
		ParkedRecord parked = ParkedRecord.from(record(new RecordHeaders()));

		assertThat(parked.attempts()).isEqualTo(1);
		assertThat(parked.replayCount()).isZero();
		assertThat(parked.originalTopic()).isNull();
		assertThat(parked.status()).isEqualTo(ParkedRecord.Status.PARKED);
	}

	@Test
	void statusFollowsReplayMarkAndReplayCount() {
		Headers headers = new RecordHeaders();
		OrderflowHeaders.set(headers, OrderflowHeaders.REPLAY_COUNT, 3);
		ParkedRecord parked = ParkedRecord.from(record(headers));

		assertThat(parked.resolve(null, 4).status()).isEqualTo(ParkedRecord.Status.PARKED);
		assertThat(parked.resolve(null, 3).status()).isEqualTo(ParkedRecord.Status.REPLAYS_EXHAUSTED);
		assertThat(parked.resolve(17L, 4)).satisfies((replayed) -> {
			assertThat(replayed.status()).isEqualTo(ParkedRecord.Status.REPLAYED);
			assertThat(replayed.replayed()).isTrue();
			assertThat(replayed.replayOffset()).isEqualTo(17L);
		});
	}

	@Test
	void idReadsBackWhatItWrites() {
		ParkedRecordId id = new ParkedRecordId(5, 1234);

		assertThat(ParkedRecordId.parse(id.toString())).contains(id);
		assertThat(ParkedRecordId.parse("5-1234")).isEmpty();
		assertThat(ParkedRecordId.parse("x@1")).isEmpty();
	}

	private static void hop(Headers headers, String topic, int partition, long offset, long timestamp, String exception,
			String message) {
		headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
		headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(partition).array());
		headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
		headers.add(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
		headers.add(KafkaHeaders.DLT_EXCEPTION_FQCN, exception.getBytes(StandardCharsets.UTF_8));
		headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
	}

	private static ConsumerRecord<String, byte[]> record(Headers headers) {
		return new ConsumerRecord<>("orders-g-dlt", 4, 42, 5_000L, TimestampType.CREATE_TIME, 0, 0, "order-1",
				new byte[0], headers, Optional.empty());
	}

}
