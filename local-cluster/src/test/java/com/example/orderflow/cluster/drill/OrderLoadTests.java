package com.example.orderflow.cluster.drill;

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
