package com.example.orderflow.kafka.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

import static org.assertj.core.api.Assertions.assertThat;

class FailureRoutingTests {

	private static final String GROUP = "shipping-service";

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T18:00:00Z"), ZoneOffset.UTC);

	private final ConsumerService service = new ConsumerService(GROUP, Topics.SHIPMENTS);

	private final FailureRouting nonBlocking = new FailureRouting(this.service,
			retry(ConsumerRetryProperties.Mode.NON_BLOCKING), CLOCK);

	private final FailureRouting blocking = new FailureRouting(this.service,
			retry(ConsumerRetryProperties.Mode.BLOCKING), CLOCK);

	@Test
	void nonBlockingWalksTheGroupsOwnRetryTopicsThenItsDeadLetterTopic() {
		ConsumerRecord<String, String> onOrders = record(Topics.ORDERS, null);
		assertThat(this.nonBlocking.destination(onOrders, failure()).topic()).isEqualTo(Topics.retry(GROUP, 1));
		assertThat(this.nonBlocking.destination(onOrders, failure()).partition()).isEqualTo(3);

		ConsumerRecord<String, String> onRetry1 = record(Topics.retry(GROUP, 1), 2L);
		assertThat(this.nonBlocking.nextTopic(onRetry1, failure())).isEqualTo(Topics.retry(GROUP, 2));

		ConsumerRecord<String, String> onRetry2 = record(Topics.retry(GROUP, 2), 3L);
		assertThat(this.nonBlocking.nextTopic(onRetry2, failure())).isEqualTo(Topics.deadLetter(GROUP));
	}

	@Test
	void nextHopCarriesItsAttemptAndTheDueTimeOfItsDelay() {
		Headers first = this.nonBlocking.headersForNextHop(record(Topics.ORDERS, null), failure());
		assertThat(OrderflowHeaders.longValue(first, OrderflowHeaders.ATTEMPT)).contains(2L);
		assertThat(OrderflowHeaders.longValue(first, OrderflowHeaders.DUE_AT))
			.contains(CLOCK.millis() + Duration.ofSeconds(2).toMillis());

		Headers second = this.nonBlocking.headersForNextHop(record(Topics.retry(GROUP, 1), 2L), failure());
		assertThat(OrderflowHeaders.longValue(second, OrderflowHeaders.DUE_AT))
			.contains(CLOCK.millis() + Duration.ofSeconds(10).toMillis());

		Headers parked = this.nonBlocking.headersForNextHop(record(Topics.retry(GROUP, 2), 3L), failure());
		assertThat(OrderflowHeaders.longValue(parked, OrderflowHeaders.DUE_AT)).isEmpty();
	}

	@Test
	void whatNoRetryCanCureGoesStraightToTheDeadLetterTopic() {
		ConsumerRecord<String, String> onOrders = record(Topics.ORDERS, null);
		assertThat(this.nonBlocking.nextTopic(onOrders, wrapped(new RejectedEventException("unknown sku"))))
			.isEqualTo(Topics.deadLetter(GROUP));
		assertThat(this.nonBlocking.nextTopic(onOrders,
				wrapped(new DeserializationException("not json", new byte[] { 1 }, false, null))))
			.isEqualTo(Topics.deadLetter(GROUP));
	}

	@Test
	void blockingGroupsParkAfterTheirInPlaceRetries() {
		assertThat(this.blocking.nextTopic(record(Topics.ORDERS, null), failure())).isEqualTo(Topics.deadLetter(GROUP));
		// A replayed record fails again on retry topic 1: parked again, never sent round
		// the retry topics.
		assertThat(this.blocking.nextTopic(record(Topics.retry(GROUP, 1), 2L), failure()))
			.isEqualTo(Topics.deadLetter(GROUP));
	}

	private static ConsumerRetryProperties retry(ConsumerRetryProperties.Mode mode) {
		return new ConsumerRetryProperties(mode, 3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(2),
				List.of(Duration.ofSeconds(2), Duration.ofSeconds(10)));
	}

	private static ConsumerRecord<String, String> record(String topic, Long attempt) {
		ConsumerRecord<String, String> record = new ConsumerRecord<>(topic, 3, 42L, "order-1", "{}");
		if (attempt != null) {
			OrderflowHeaders.set(record.headers(), OrderflowHeaders.ATTEMPT, attempt);
		}
		return record;
	}

	private static Exception failure() {
		return wrapped(new IllegalStateException("carrier down"));
	}

	/** As the container hands it over: the listener's exception inside spring-kafka's. */
	private static Exception wrapped(Exception cause) {
		return new ListenerExecutionFailedException("Listener failed", cause);
	}

}
