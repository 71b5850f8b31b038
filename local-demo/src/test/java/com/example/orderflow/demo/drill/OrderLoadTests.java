package com.example.orderflow.demo.drill;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * How the load generator tells the two 503s of the orders API apart: a refusal (nothing
 * was accepted) and a commit the cluster took but did not settle in time (the order may
 * still be accepted). The drills count only refusals as "refused but written".
 */
class OrderLoadTests {

	private static final String UNKNOWN = """
			{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The Kafka cluster took the \
			order event but did not settle its commit in time: it may still be accepted. Retry later with the same \
			Idempotency-Key.","instance":"/api/orders","outcome":"unknown"}""";

	private static final String REFUSED = """
			{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The Kafka cluster did not \
			acknowledge the order event, so nothing was accepted.","instance":"/api/orders","outcome" : "refused"}""";

	/**
	 * A server that falls behind answers after the load stopped: its rate is what it
	 * answered over the time it took, not over the time the load ran (the bench's 1,000/s
	 * step of 20 s read 886/s where 17,722 orders took 67 s). Here 400 requests in 20 s,
	 * the wait growing from 0.5 s to 47 s: the last answered after 67 s.
	 */
	@Test
	void aServerThatFallsBehindIsCreditedWithTheTimeItsBacklogTook() {
		List<OrderLoad.Request> requests = IntStream.range(0, 400).mapToObj((number) -> {
			double sentAt = number * 0.05;
			return answered(number, 201, sentAt, sentAt + 0.5 + number * (46.5 / 399));
		}).toList();
		OrderLoad.Result result = new OrderLoad.Result("run", requests, 20.0);

		assertThat(result.acknowledgedPerSecond()).isCloseTo(400 / 62.0, within(0.2));
	}

	@Test
	void answersWithinTheLoadCountOverTheTimeItRan() {
		List<OrderLoad.Request> requests = List.of(answered(1, 201, 0.0, 0.5), answered(2, 201, 5.0, 5.2));
		OrderLoad.Result result = new OrderLoad.Result("run", requests, 10.0);

		assertThat(result.acknowledgedPerSecond()).isEqualTo(2 / 10.0);
	}

	/**
	 * A server that keeps up but takes a second or two per answer took the rate it was
	 * offered: counted up to the last answer, a 6 s step at 25/s read 21-22/s, under the
	 * 90% that counts as taken, and the bench's ingest steps stopped at the first.
	 */
	@Test
	void aServerThatKeepsUpTakesTheOfferedRateHoweverLongAndUnevenlyItAnswers() {
		List<OrderLoad.Request> requests = IntStream.range(0, 150)
			.mapToObj((number) -> answered(number, 201, number * 0.04, number * 0.04 + 0.8 + (number % 3) * 0.5))
			.toList();
		OrderLoad.Result result = new OrderLoad.Result("run", requests, 6.0);

		assertThat(result.acknowledgedPerSecond()).isEqualTo(25.0);
	}

	@Test
	void noAnswerIsNoRate() {
		OrderLoad.Result result = new OrderLoad.Result("run", List.of(answered(1, 503, 0.0, 0.5)), 6.0);

		assertThat(result.acknowledgedPerSecond()).isZero();
	}

	private static OrderLoad.Request answered(int number, int status, double sentAt, double answeredAt) {
		return new OrderLoad.Request(number, "customer-" + number, status, "order-" + number, false, 1, sentAt,
				answeredAt - sentAt, answeredAt);
	}

	@Test
	void a503ThatSaysTheOutcomeIsUnknownIsToldFromARefusal() {
		assertThat(OrderLoad.outcomeUnknown(503, UNKNOWN)).isTrue();
		assertThat(OrderLoad.outcomeUnknown(503, REFUSED)).isFalse();
	}

	@Test
	void onlyA503CanLeaveItsOutcomeUnknown() {
		assertThat(OrderLoad.outcomeUnknown(201, "{\"orderId\":\"x\",\"outcome\":\"unknown\"}")).isFalse();
		assertThat(OrderLoad.outcomeUnknown(503, "")).isFalse();
	}

}
