package com.example.orderflow.kafka.consumer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.messaging.converter.MessageConversionException;

/**
 * Where a record goes when handling it failed for good: after the in-place retries of a
 * blocking group, or at once in a non-blocking group. Non-blocking: the next of the
 * group's retry topics with a due time, until they are used up. Always the dead-letter
 * topic for what can never succeed: a business rejection, or bytes that are not an event.
 * Same partition throughout, so a record's key keeps its partition on every topic of the
 * path.
 */
class FailureRouting {

	/** Failures no retry can cure. */
	private static final Set<Class<? extends Throwable>> NEVER_RETRIED = Set.of(RejectedEventException.class,
			DeserializationException.class, MessageConversionException.class, ClassCastException.class,
			NoSuchMethodException.class, OutputRefusedException.class);

	private final ConsumerService service;

	private final ConsumerRetryProperties retry;

	private final Clock clock;

	FailureRouting(ConsumerService service, ConsumerRetryProperties retry, Clock clock) {
		this.service = service;
		this.retry = retry;
		this.clock = clock;
	}

	TopicPartition destination(ConsumerRecord<?, ?> record, Exception exception) {
		return new TopicPartition(nextTopic(record, exception), record.partition());
	}

	String nextTopic(ConsumerRecord<?, ?> record, Exception exception) {
		int attempt = attempt(record);
		if (this.retry.mode() == ConsumerRetryProperties.Mode.BLOCKING || !isRetryable(exception)
				|| attempt > this.retry.delays().size()) {
			return this.service.deadLetterTopic();
		}
		return this.service.retryTopic(attempt);
	}

	boolean isDeadLetter(String topic) {
		return this.service.deadLetterTopic().equals(topic);
	}

	/**
	 * The headers the next hop gets beside the original ones: the group, the attempt and,
	 * for a retry, its due time.
	 */
	Headers headersForNextHop(ConsumerRecord<?, ?> record, Exception exception) {
		RecordHeaders headers = new RecordHeaders();
		// One per hop, like the other kafka_dlt-original-* headers: which group failed
		// it.
		headers.add(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP, this.service.group().getBytes(StandardCharsets.UTF_8));
		int attempt = attempt(record);
		OrderflowHeaders.set(headers, OrderflowHeaders.ATTEMPT, attempt + 1);
		if (!isDeadLetter(nextTopic(record, exception))) {
			long dueAt = this.clock.millis() + this.retry.delays().get(attempt - 1).toMillis();
			OrderflowHeaders.set(headers, OrderflowHeaders.DUE_AT, dueAt);
		}
		return headers;
	}

	/** 1 on {@code orders}; the attempt header says which on a retry topic. */
	static int attempt(ConsumerRecord<?, ?> record) {
		return OrderflowHeaders.longValue(record.headers(), OrderflowHeaders.ATTEMPT).map(Long::intValue).orElse(1);
	}

	static boolean isRetryable(Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = (cause.getCause() != cause) ? cause.getCause()
				: null) {
			Throwable current = cause;
			if (NEVER_RETRIED.stream().anyMatch((type) -> type.isInstance(current))) {
				return false;
			}
		}
		return true;
	}

}
