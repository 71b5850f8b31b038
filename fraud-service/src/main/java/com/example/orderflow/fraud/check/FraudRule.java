package com.example.orderflow.fraud.check;

import java.math.BigDecimal;
import java.util.Set;

/**
 * One reason to distrust an order: the points it adds to the risk score when it applies,
 * and the reason the assessment then names.
 */
sealed interface FraudRule {

	boolean appliesTo(FraudCase fraudCase);

	int points();

	String reason();

	/** An unusually expensive order. */
	record HighOrderValue(BigDecimal over) implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			// Compared in the order's own currency: a multi-currency shop would convert.
			return fraudCase.placedOrder()
				.filter((order) -> order.total().amount().compareTo(this.over) > 0)
				.isPresent();
		}

		@Override
		public int points() {
			return 40;
		}

		@Override
		public String reason() {
			return "high order value";
		}

	}

	/** Many units of one item: typical of resellers using stolen cards. */
	record BulkQuantity(int over) implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			return fraudCase.placedOrder()
				.filter((order) -> order.lines().stream().anyMatch((line) -> line.quantity() > this.over))
				.isPresent();
		}

		@Override
		public int points() {
			return 25;
		}

		@Override
		public String reason() {
			return "bulk quantity";
		}

	}

	/** A shipping country on the high-risk list. */
	record HighRiskCountry(Set<String> countries) implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			return fraudCase.placedOrder()
				.filter((order) -> this.countries.contains(order.shippingCountry()))
				.isPresent();
		}

		@Override
		public int points() {
			return 30;
		}

		@Override
		public String reason() {
			return "high-risk shipping country";
		}

	}

	/** A customer on the block list: enough on its own to reject. */
	record BlockedCustomer(String prefix) implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			return fraudCase.customerId() != null && fraudCase.customerId().startsWith(this.prefix);
		}

		@Override
		public int points() {
			return 70;
		}

		@Override
		public String reason() {
			return "customer on block list";
		}

	}

	/** A customer who cancels again and again. */
	record FrequentCancellations(int over) implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			return fraudCase.cancellations() > this.over;
		}

		@Override
		public int points() {
			return 20;
		}

		@Override
		public String reason() {
			return "frequent cancellations";
		}

	}

	/** Create-then-cancel is itself a fraud signal (card testing, for one). */
	record CancelledOrder() implements FraudRule {

		@Override
		public boolean appliesTo(FraudCase fraudCase) {
			return fraudCase.cancellation();
		}

		@Override
		public int points() {
			return 20;
		}

		@Override
		public String reason() {
			return "order cancelled";
		}

	}

}
