package com.example.orderflow.demo.drill;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
	 * step of 20 s read 886/s where 17,722 orders took 67 s).
	 */
	@Test
	void theAcknowledgedRateCountsTheTimeTheLastAnswerTook() {
		List<OrderLoad.Request> requests = List.of(answered(1, 201, 0.0, 0.5), answered(2, 201, 10.0, 40.0),
				answered(3, 503, 19.0, 19.5), answered(4, 201, 19.9, 20.0));
		OrderLoad.Result result = new OrderLoad.Result("run", requests, 20.0);

		assertThat(result.acknowledgedPerSecond()).isEqualTo(3 / 40.0);
	}

	@Test
	void answersWithinTheLoadCountOverTheTimeItRan() {
		List<OrderLoad.Request> requests = List.of(answered(1, 201, 0.0, 0.5), answered(2, 201, 5.0, 5.2));
		OrderLoad.Result result = new OrderLoad.Result("run", requests, 10.0);

		assertThat(result.acknowledgedPerSecond()).isEqualTo(2 / 10.0);
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
