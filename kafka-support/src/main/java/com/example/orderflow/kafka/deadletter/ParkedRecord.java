package com.example.orderflow.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import com.example.orderflow.kafka.consumer.OrderflowHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * One record of the group's dead-letter topic, as {@code GET /admin/dead-letters} lists
 * it.
 *
 * @param partition its partition in the dead-letter topic (the same as on {@code orders})
 * @param offset its offset there; partition and offset are its id
 * @param key the record key, the orderId
 * @param originalTopic where it failed first: {@code orders}, unless it was written
 * elsewhere
 * @param originalPartition the partition there
 * @param originalOffset the offset there
 * @param exceptionClass the class of the last failure
 * @param exceptionCauseClass the class of its root cause, where spring-kafka recorded one
 * @param exceptionMessage the message of the last failure
 * @param attempts the delivery attempt it failed on last
 * @param parkedAt when it was written to the dead-letter topic
 * @param originalTimestamp the timestamp of the original record
 * @param replayCount how often it was replayed before it was parked this time
 * @param replayed whether this parked copy was replayed already
 * @param replayOffset the offset of its replayed copy on the group's first retry topic
 * (same partition), once replayed
 * @param status what can still be done with it
 */
record ParkedRecord(int partition, long offset, @Nullable String key, @Nullable String originalTopic,
		@Nullable Integer originalPartition, @Nullable Long originalOffset, @Nullable String exceptionClass,
		@Nullable String exceptionCauseClass, @Nullable String exceptionMessage, int attempts, Instant parkedAt,
		@Nullable Instant originalTimestamp, int replayCount, boolean replayed, @Nullable Long replayOffset,
		Status status) {

	/**
	 * Reads a record of the dead-letter topic. Its origin is in the FIRST
	 * {@code kafka_dlt-original-*} headers: a record that travelled through retry topics
	 * carries one set per hop, and the first names {@code orders}. Its failure is in the
	 * LAST exception headers.
	 */
	static ParkedRecord from(ConsumerRecord<String, byte[]> record) {
		Headers headers = record.headers();
		Integer originalPartition = OrderflowHeaders.first(headers, KafkaHeaders.DLT_ORIGINAL_PARTITION)
			.flatMap(OrderflowHeaders::binaryNumber)
			.map(Long::intValue)
			.orElse(null);
		Long originalOffset = OrderflowHeaders.first(headers, KafkaHeaders.DLT_ORIGINAL_OFFSET)
			.flatMap(OrderflowHeaders::binaryNumber)
			.orElse(null);
		Instant originalTimestamp = OrderflowHeaders.first(headers, KafkaHeaders.DLT_ORIGINAL_TIMESTAMP)
			.flatMap(OrderflowHeaders::binaryNumber)
			.map(Instant::ofEpochMilli)
			.orElse(null);
		return new ParkedRecord(record.partition(), record.offset(), record.key(),
				firstText(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC).orElse(null), originalPartition, originalOffset,
				OrderflowHeaders.text(headers, KafkaHeaders.DLT_EXCEPTION_FQCN).orElse(null),
				OrderflowHeaders.text(headers, KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN).orElse(null),
				OrderflowHeaders.text(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE).orElse(null),
				OrderflowHeaders.longValue(headers, OrderflowHeaders.ATTEMPT).map(Long::intValue).orElse(1),
				Instant.ofEpochMilli(record.timestamp()), originalTimestamp,
				OrderflowHeaders.longValue(headers, OrderflowHeaders.REPLAY_COUNT).map(Long::intValue).orElse(0), false,
				null, Status.PARKED);
	}

	ParkedRecordId id() {
		return new ParkedRecordId(this.partition, this.offset);
	}

	/** This record with what is known about its replay, and what that leaves to do. */
	ParkedRecord resolve(@Nullable Long replayOffset, int maxReplays) {
		boolean replayed = replayOffset != null;
		Status status = replayed ? Status.REPLAYED
				: (this.replayCount >= maxReplays) ? Status.REPLAYS_EXHAUSTED : Status.PARKED;
		return new ParkedRecord(this.partition, this.offset, this.key, this.originalTopic, this.originalPartition,
				this.originalOffset, this.exceptionClass, this.exceptionCauseClass, this.exceptionMessage,
				this.attempts, this.parkedAt, this.originalTimestamp, this.replayCount, replayed, replayOffset, status);
	}

	private static Optional<String> firstText(Headers headers, String name) {
		return OrderflowHeaders.first(headers, name).map((value) -> new String(value, StandardCharsets.UTF_8));
	}

	/** What can still be done with a parked record. */
	enum Status {

		/** Waiting: it can be replayed. */
		PARKED,

		/** Replayed once already; replaying it again would process its event twice. */
		REPLAYED,

		/**
		 * It failed again after {@code orderflow.dead-letters.max-replays} replays: it
		 * stays here until someone fixes the cause and the data by hand.
		 */
		REPLAYS_EXHAUSTED

	}

}
