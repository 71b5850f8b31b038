package com.example.orderflow.fraud.check;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.example.orderflow.events.FraudAssessed;
import com.example.orderflow.events.FraudDecision;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FraudCheckTests {

	private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

	private static final FraudProperties DEFAULTS = new FraudProperties(new BigDecimal("1000"), 20, Set.of("KP", "IR"),
			"blocked-", 3, 40, 70);

	private final FraudCheck fraudCheck = new FraudCheck(DEFAULTS);

	@Test
	void ordinaryOrderIsApprovedWithoutReasons() {
		FraudAssessed assessed = this.fraudCheck.assess(order("customer-1", "DE", line(2, "10.00")));

		assertThat(assessed.score()).isZero();
		assertThat(assessed.reasons()).isEmpty();
		assertThat(assessed.decision()).isEqualTo(FraudDecision.APPROVED);
	}

	@Test
	void assessmentAnswersItsOrder() {
		OrderCreated order = order("customer-1", "DE", line(1, "10.00"));

		FraudAssessed assessed = this.fraudCheck.assess(order);

		assertThat(assessed.orderId()).isEqualTo(order.orderId());
		assertThat(assessed.causationId()).isEqualTo(order.eventId());
		assertThat(assessed.assessedAt()).isEqualTo(NOW);
	}

	@Test
	void orderOverTheValueLimitIsReviewed() {
		FraudAssessed assessed = this.fraudCheck.assess(order("customer-1", "DE", line(1, "1000.01")));

		assertThat(assessed.score()).isEqualTo(40);
		assertThat(assessed.reasons()).containsExactly("high order value");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.REVIEW);
	}

	@Test
	void orderAtTheValueLimitIsNotHighValue() {
		assertThat(this.fraudCheck.assess(order("customer-1", "DE", line(1, "1000.00"))).score()).isZero();
	}

	@Test
	void bulkQuantityAddsPointsButIsApprovedAlone() {
		FraudAssessed assessed = this.fraudCheck.assess(order("customer-1", "DE", line(21, "1.00")));

		assertThat(assessed.score()).isEqualTo(25);
		assertThat(assessed.reasons()).containsExactly("bulk quantity");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.APPROVED);
		assertThat(this.fraudCheck.assess(order("customer-1", "DE", line(20, "1.00"))).score()).isZero();
	}

	@Test
	void highRiskShippingCountryAddsPoints() {
		FraudAssessed assessed = this.fraudCheck.assess(order("customer-1", "KP", line(1, "10.00")));

		assertThat(assessed.score()).isEqualTo(30);
		assertThat(assessed.reasons()).containsExactly("high-risk shipping country");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.APPROVED);
	}

	@Test
	void bulkOrderToHighRiskCountryIsReviewed() {
		FraudAssessed assessed = this.fraudCheck.assess(order("customer-1", "IR", line(30, "1.00")));

		assertThat(assessed.score()).isEqualTo(55);
		assertThat(assessed.reasons()).containsExactly("bulk quantity", "high-risk shipping country");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.REVIEW);
	}

	@Test
	void blockedCustomerIsRejected() {
		FraudAssessed assessed = this.fraudCheck.assess(order("blocked-42", "DE", line(1, "10.00")));

		assertThat(assessed.score()).isEqualTo(70);
		assertThat(assessed.reasons()).containsExactly("customer on block list");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.REJECTED);
	}

	@Test
	void scoreIsCappedAtOneHundred() {
		FraudAssessed assessed = this.fraudCheck.assess(order("blocked-42", "KP", line(50, "100.00")));

		assertThat(assessed.score()).isEqualTo(100);
		assertThat(assessed.reasons()).containsExactly("high order value", "bulk quantity",
				"high-risk shipping country", "customer on block list");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.REJECTED);
	}

	@Test
	void cancellationReScoresTheCustomerOfTheOrder() {
		OrderCreated order = order("blocked-7", "DE", line(1, "10.00"));
		this.fraudCheck.assess(order);
		OrderCancelled cancellation = cancellationOf(order);

		FraudAssessed assessed = this.fraudCheck.reassess(cancellation);

		assertThat(assessed.orderId()).isEqualTo(order.orderId());
		assertThat(assessed.causationId()).isEqualTo(cancellation.eventId());
		assertThat(assessed.assessedAt()).isEqualTo(cancellation.cancelledAt());
		assertThat(assessed.reasons()).containsExactly("customer on block list", "order cancelled");
		assertThat(assessed.score()).isEqualTo(90);
		assertThat(assessed.decision()).isEqualTo(FraudDecision.REJECTED);
	}

	@Test
	void singleCancellationIsASignalButApproved() {
		OrderCreated order = order("customer-1", "DE", line(1, "10.00"));
		this.fraudCheck.assess(order);

		FraudAssessed assessed = this.fraudCheck.reassess(cancellationOf(order));

		assertThat(assessed.reasons()).containsExactly("order cancelled");
		assertThat(assessed.score()).isEqualTo(20);
		assertThat(assessed.decision()).isEqualTo(FraudDecision.APPROVED);
	}

	@Test
	void moreThanThreeCancellationsMakeACustomerAFrequentCanceller() {
		List<FraudAssessed> reassessed = List.of(placeAndCancel("customer-9"), placeAndCancel("customer-9"),
				placeAndCancel("customer-9"), placeAndCancel("customer-9"));

		assertThat(reassessed).extracting(FraudAssessed::score).containsExactly(20, 20, 20, 40);
		assertThat(reassessed.get(3).reasons()).containsExactly("frequent cancellations", "order cancelled");
		assertThat(reassessed.get(3).decision()).isEqualTo(FraudDecision.REVIEW);
		FraudAssessed nextOrder = this.fraudCheck.assess(order("customer-9", "DE", line(1, "10.00")));
		assertThat(nextOrder.reasons()).containsExactly("frequent cancellations");
		assertThat(nextOrder.score()).isEqualTo(20);
		assertThat(this.fraudCheck.assess(order("customer-10", "DE", line(1, "10.00"))).score()).isZero();
	}

	@Test
	void redeliveredCancellationIsCountedOnce() {
		OrderCreated order = order("customer-5", "DE", line(1, "10.00"));
		this.fraudCheck.assess(order);
		OrderCancelled cancellation = cancellationOf(order);
		placeAndCancel("customer-5");
		placeAndCancel("customer-5");

		FraudAssessed first = this.fraudCheck.reassess(cancellation);
		FraudAssessed again = this.fraudCheck.reassess(cancellation);

		assertThat(again).usingRecursiveComparison().ignoringFields("eventId").isEqualTo(first);
		assertThat(again.reasons()).doesNotContain("frequent cancellations");
	}

	@Test
	void cancellationOfAnUnseenOrderScoresAnUnknownCustomer() {
		FraudAssessed assessed = this.fraudCheck
			.reassess(new OrderCancelled(UUID.randomUUID(), UUID.randomUUID(), "changed my mind", NOW));

		assertThat(assessed.reasons()).containsExactly("order cancelled");
		assertThat(assessed.decision()).isEqualTo(FraudDecision.APPROVED);
	}

	@Test
	void thresholdsComeFromTheProperties() {
		FraudCheck strict = new FraudCheck(
				new FraudProperties(new BigDecimal("100"), 5, Set.of("FR"), "suspect-", 0, 25, 50));

		assertThat(strict.assess(order("customer-1", "DE", line(6, "1.00"))).decision())
			.isEqualTo(FraudDecision.REVIEW);
		assertThat(strict.assess(order("customer-1", "FR", line(1, "150.00"))).decision())
			.isEqualTo(FraudDecision.REJECTED);
		assertThat(strict.assess(order("suspect-1", "DE", line(1, "1.00"))).reasons())
			.containsExactly("customer on block list");
	}

	@Test
	void reviewThresholdMayNotBeAboveRejectThreshold() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new FraudProperties(new BigDecimal("1000"), 20, Set.of(), "blocked-", 3, 80, 70));
	}

	private FraudAssessed placeAndCancel(String customerId) {
		OrderCreated order = order(customerId, "DE", line(1, "10.00"));
		this.fraudCheck.assess(order);
		return this.fraudCheck.reassess(cancellationOf(order));
	}

	private static OrderLine line(int quantity, String unitPrice) {
		return new OrderLine("SKU-" + quantity, quantity, Money.of(unitPrice, "EUR"));
	}

	private static OrderCreated order(String customerId, String country, OrderLine... lines) {
		List<OrderLine> orderLines = List.of(lines);
		Money total = orderLines.stream().map(OrderLine::lineTotal).reduce(Money.zero("EUR"), Money::plus);
		return new OrderCreated(UUID.randomUUID(), UUID.randomUUID(), customerId, orderLines, total, country, NOW);
	}

	private static OrderCancelled cancellationOf(OrderCreated order) {
		return new OrderCancelled(UUID.randomUUID(), order.orderId(), "changed my mind", NOW.plusSeconds(60));
	}

}
