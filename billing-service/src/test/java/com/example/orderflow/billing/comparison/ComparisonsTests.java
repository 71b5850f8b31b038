package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ComparisonsTests {

	private static final Duration GRACE = Duration.ofSeconds(30);

	private static final Instant T0 = Instant.parse("2026-01-05T10:15:30Z");

	private final Comparisons comparisons = new Comparisons(GRACE, 3);

	ComparisonsTests() {
		this.comparisons.loaded(T0);
	}

	@Test
	void sameInvoiceOnBothSidesMatchesWhateverTheEventIdAndBillingVersion() {
		UUID orderId = UUID.randomUUID();

		this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);
		OrderComparison order = this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0.plusSeconds(1));

		Classification classification = order.classify(T0.plusSeconds(1), GRACE);
		assertThat(classification.result()).isEqualTo(Result.MATCH);
		assertThat(classification.fields()).isEmpty();
		assertThat(classification.liveVersion()).isEqualTo("v1");
		assertThat(this.comparisons.summary(T0.plusSeconds(1))).satisfies((summary) -> {
			assertThat(summary.match()).isEqualTo(1);
			assertThat(summary.compared()).isEqualTo(1);
			assertThat(summary.matchRate()).isEqualTo(1.0);
		});
	}

	@Test
	void differingTaxIsAMismatchNamingEveryDifferingFieldWithBothValues() {
		UUID orderId = UUID.randomUUID();

		this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.32"), T0.plusSeconds(2));

		assertThat(this.comparisons.latestDifferences(10)).singleElement().satisfies((difference) -> {
			assertThat(difference.orderId()).isEqualTo(orderId);
			assertThat(difference.result()).isEqualTo(Result.MISMATCH);
			assertThat(difference.when()).isEqualTo(T0.plusSeconds(2));
			assertThat(difference.fields()).containsExactly(new FieldDifference("tax", "1.33 EUR", "1.32 EUR"),
					new FieldDifference("total", "8.31 EUR", "8.30 EUR"));
		});
		assertThat(this.comparisons.summary(T0.plusSeconds(2)).mismatch()).isEqualTo(1);
		assertThat(this.comparisons.summary(T0.plusSeconds(2)).matchRate()).isEqualTo(0.0);
	}

	@Test
	void everyCustomerFacingFieldIsComparedLineByLine() {
		ComparedInvoice v1 = new ComparedInvoice("customer-1",
				List.of(line("SKU-A", 1, "2.49", "0.47"), line("SKU-B", 2, "4.49", "1.71")), eur("11.47"), eur("2.18"),
				eur("13.65"));
		ComparedInvoice v2 = new ComparedInvoice("customer-2",
				List.of(line("SKU-X", 1, "2.49", "0.47"), line("SKU-B", 3, "4.50", "1.70"),
						line("SKU-C", 1, "1.00", "0.19")),
				Money.of("11.47", "USD"), Money.of("2.18", "USD"), Money.of("13.65", "USD"));

		assertThat(v1.differencesTo(v2)).extracting(FieldDifference::field)
			.containsExactly("customerId", "currency", "net", "tax", "total", "lines", "lines[0].sku",
					"lines[1].quantity", "lines[1].unitPrice", "lines[1].net", "lines[1].tax");
		assertThat(v1.differencesTo(v2)).contains(new FieldDifference("lines", "2", "3"),
				new FieldDifference("lines[1].unitPrice", "4.49 EUR", "4.50 EUR"));
		assertThat(v1.differencesTo(v1)).isEmpty();
	}

	@Test
	void oneSideIsPendingWithinTheGracePeriodAndMissingOnTheOtherAfterIt() {
		UUID liveOnly = UUID.randomUUID();
		UUID shadowOnly = UUID.randomUUID();

		this.comparisons.issued(Side.V1, invoice(liveOnly, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(shadowOnly, "v2", "1.32"), T0);

		ComparisonSummary within = this.comparisons.summary(T0.plus(GRACE).minusMillis(1));
		assertThat(within.pending()).isEqualTo(2);
		assertThat(within.missingInV2()).isZero();
		assertThat(within.missingInV1()).isZero();
		assertThat(this.comparisons.checkGracePeriods(T0.plus(GRACE).minusMillis(1))).isZero();
		assertThat(this.comparisons.latestDifferences(10)).isEmpty();

		ComparisonSummary after = this.comparisons.summary(T0.plus(GRACE));
		assertThat(after.pending()).isZero();
		assertThat(after.missingInV2()).isEqualTo(1);
		assertThat(after.missingInV1()).isEqualTo(1);
		assertThat(after.byLiveVersion().get("v1").missingInV2()).isEqualTo(1);
		assertThat(after.byLiveVersion().get("none").missingInV1()).isEqualTo(1);
		assertThat(this.comparisons.checkGracePeriods(T0.plus(GRACE))).isEqualTo(2);
		assertThat(this.comparisons.latestDifferences(10))
			.extracting(Difference::orderId, Difference::result, Difference::when)
			.containsExactlyInAnyOrder(tuple(liveOnly, Result.MISSING_IN_V2, T0.plus(GRACE)),
					tuple(shadowOnly, Result.MISSING_IN_V1, T0.plus(GRACE)));
		assertThat(this.comparisons.checkGracePeriods(T0.plus(GRACE).plusSeconds(5))).isZero();
	}

	@Test
	void lateArrivalReclassifiesAMissingOrderAndRemovesItFromTheDifferences() {
		UUID orderId = UUID.randomUUID();
		this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);
		this.comparisons.checkGracePeriods(T0.plus(GRACE));
		assertThat(this.comparisons.summary(T0.plus(GRACE)).missingInV2()).isEqualTo(1);

		this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0.plus(GRACE).plusSeconds(10));

		ComparisonSummary summary = this.comparisons.summary(T0.plus(GRACE).plusSeconds(10));
		assertThat(summary.missingInV2()).isZero();
		assertThat(summary.match()).isEqualTo(1);
		assertThat(this.comparisons.latestDifferences(10)).isEmpty();
	}

	/**
	 * Every order stays in memory, so an order holds what both sides agree on once: a
	 * matched order one invoice, a mismatched one its own copy only of what differs. The
	 * JSON of each event brings its own copy of every part; without the sharing an order
	 * took about 3 KB of heap, with it about 1 KB (README, "The comparison").
	 */
	@Test
	void anOrderHoldsWhatBothSidesAgreeOnOnce() {
		UUID matched = UUID.randomUUID();
		this.comparisons.issued(Side.V2, invoice(matched, "v2", "1.33"), T0);
		OrderComparison match = this.comparisons.issued(Side.V1, invoice(matched, "v1", "1.33"), T0);
		UUID mismatched = UUID.randomUUID();
		this.comparisons.issued(Side.V1, invoice(mismatched, "v1", "1.33"), T0);
		OrderComparison mismatch = this.comparisons.issued(Side.V2, invoice(mismatched, "v2", "1.32"), T0);

		assertThat(match.v1().invoice()).isSameAs(match.v2().invoice());
		ComparedInvoice v1 = mismatch.v1().invoice();
		ComparedInvoice v2 = mismatch.v2().invoice();
		assertThat(v2.customerId()).isSameAs(v1.customerId());
		assertThat(v2.lines()).isSameAs(v1.lines());
		assertThat(v2.net()).isSameAs(v1.net());
		assertThat(v2.tax()).isNotEqualTo(v1.tax());
		// Within one invoice too: a line of quantity 1 nets its unit price.
		assertThat(v1.lines().get(0).net()).isSameAs(v1.lines().get(0).unitPrice());
		// Lines that differ in one line share the others.
		ComparedInvoice twoLines = new ComparedInvoice("customer-1",
				List.of(line("SKU-A", 1, "2.49", "0.47"), line("SKU-B", 1, "4.49", "0.85")), eur("6.98"), eur("1.33"),
				eur("8.31"))
			.sharingWith(null);
		ComparedInvoice otherTax = new ComparedInvoice("customer-1",
				List.of(line("SKU-A", 1, "2.49", "0.47"), line("SKU-B", 1, "4.49", "0.86")), eur("6.98"), eur("1.33"),
				eur("8.31"))
			.sharingWith(twoLines);
		assertThat(otherTax.lines().get(0)).isSameAs(twoLines.lines().get(0));
		assertThat(otherTax.lines().get(1)).isNotEqualTo(twoLines.lines().get(1));
		assertThat(otherTax.lines().get(1).unitPrice()).isSameAs(twoLines.lines().get(1).unitPrice());
		// One instance per currency code and per billing version in the JVM.
		assertThat(v2.total().currency()).isSameAs(invoice(UUID.randomUUID(), "v1", "1.00").tax().currency());
		assertThat(mismatch.v2().billingVersion()).isSameAs(match.v2().billingVersion());
	}

	@Test
	void anOrderReadBackFromTheTopicHoldsWhatBothSidesAgreeOnOnce() {
		UUID orderId = UUID.randomUUID();
		SideRecord v1 = SideRecord.NONE.withIssued(invoice(orderId, "v1", "1.33"), T0, null);
		SideRecord v2 = SideRecord.NONE.withIssued(invoice(orderId, "v2", "1.33"), T0, null);
		assertThat(v2.invoice()).isEqualTo(v1.invoice()).isNotSameAs(v1.invoice());

		this.comparisons.restore(new OrderComparison(orderId, v1, v2, Result.MATCH, List.of(), T0));

		assertThat(this.comparisons.find(orderId)).hasValueSatisfying(
				(order) -> assertThat(order.v2().invoice()).isSameAs(order.v1().invoice()).isEqualTo(v1.invoice()));
	}

	@Test
	void redeliveredInvoiceNeverCountsAnOrderTwiceNorRestartsItsGracePeriod() {
		UUID orderId = UUID.randomUUID();
		OrderComparison first = this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);

		OrderComparison again = this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0.plusSeconds(20));

		assertThat(again).isEqualTo(first);
		assertThat(this.comparisons.summary(T0.plus(GRACE)).missingInV2()).isEqualTo(1);
		assertThat(this.comparisons.summary(T0.plus(GRACE)).orders()).isEqualTo(1);
		this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0.plus(GRACE));
		this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0.plus(GRACE));
		assertThat(this.comparisons.summary(T0.plus(GRACE))).satisfies((summary) -> {
			assertThat(summary.orders()).isEqualTo(1);
			assertThat(summary.match()).isEqualTo(1);
			assertThat(summary.compared()).isEqualTo(1);
		});
	}

	@Test
	void orderVoidedOnBothSidesStillMatchesAndAVoidOnlyOnOneSideIsAMismatchAfterTheGracePeriod() {
		UUID voidedOnBoth = UUID.randomUUID();
		UUID voidedInV1Only = UUID.randomUUID();
		for (UUID orderId : List.of(voidedOnBoth, voidedInV1Only)) {
			this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);
			this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0);
			this.comparisons.voided(Side.V1, voided(orderId, "v1"), T0.plusSeconds(1));
		}
		this.comparisons.voided(Side.V2, voided(voidedOnBoth, "v2"), T0.plusSeconds(2));

		// Within the grace period the one-sided void does not flicker the order to
		// pending.
		assertThat(this.comparisons.summary(T0.plusSeconds(2)).match()).isEqualTo(2);
		assertThat(this.comparisons.summary(T0.plusSeconds(2)).pending()).isZero();

		Instant after = T0.plusSeconds(1).plus(GRACE);
		this.comparisons.checkGracePeriods(after);
		assertThat(this.comparisons.summary(after).match()).isEqualTo(1);
		assertThat(this.comparisons.summary(after).mismatch()).isEqualTo(1);
		assertThat(this.comparisons.latestDifferences(10)).singleElement().satisfies((difference) -> {
			assertThat(difference.orderId()).isEqualTo(voidedInV1Only);
			assertThat(difference.fields()).containsExactly(new FieldDifference("voided", "true", "false"));
		});
	}

	@Test
	void summaryIsSplitByTheBillingVersionOfTheLiveRecord() {
		UUID beforeCutOver = UUID.randomUUID();
		UUID afterCutOver = UUID.randomUUID();
		this.comparisons.issued(Side.V1, invoice(beforeCutOver, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(beforeCutOver, "v2", "1.32"), T0);
		this.comparisons.issued(Side.V1, invoice(afterCutOver, "v2", "1.32"), T0);
		this.comparisons.issued(Side.V2, invoice(afterCutOver, "v2", "1.32"), T0);

		ComparisonSummary summary = this.comparisons.summary(T0);

		assertThat(summary.byLiveVersion().get("v1").mismatch()).isEqualTo(1);
		assertThat(summary.byLiveVersion().get("v1").match()).isZero();
		assertThat(summary.byLiveVersion().get("v2").match()).isEqualTo(1);
		assertThat(summary.byLiveVersion().get("v2").matchRate()).isEqualTo(1.0);
		assertThat(summary.matchRate()).isEqualTo(0.5);
		assertThat(this.comparisons.tally(T0).count(Result.MATCH, "v2")).isEqualTo(1);
	}

	@Test
	void orderInvoicedBeforeACutOverAndVoidedAfterItStaysCountedUnderItsInvoicesVersion() {
		UUID orderId = UUID.randomUUID();
		this.comparisons.issued(Side.V1, invoice(orderId, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(orderId, "v2", "1.33"), T0);

		this.comparisons.voided(Side.V1, voided(orderId, "v2"), T0.plusSeconds(1));
		this.comparisons.voided(Side.V2, voided(orderId, "v2"), T0.plusSeconds(1));

		assertThat(this.comparisons.tally(T0.plusSeconds(1)).count(Result.MATCH, "v1")).isEqualTo(1);
		assertThat(this.comparisons.tally(T0.plusSeconds(1)).count(Result.MATCH, "v2")).isZero();
	}

	@Test
	void stateReadBackGivesTheSameCountsAndDifferences() {
		UUID matched = UUID.randomUUID();
		UUID mismatched = UUID.randomUUID();
		UUID liveOnly = UUID.randomUUID();
		this.comparisons.issued(Side.V1, invoice(matched, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(matched, "v2", "1.33"), T0);
		this.comparisons.issued(Side.V1, invoice(mismatched, "v1", "1.33"), T0);
		this.comparisons.issued(Side.V2, invoice(mismatched, "v2", "1.32"), T0);
		this.comparisons.issued(Side.V1, invoice(liveOnly, "v1", "1.33"), T0);
		Instant later = T0.plus(GRACE).plusSeconds(1);

		Comparisons restarted = new Comparisons(GRACE, 3);
		for (UUID orderId : List.of(matched, mismatched, liveOnly)) {
			restarted.restore(this.comparisons.find(orderId).orElseThrow());
		}
		restarted.loaded(later);

		assertThat(restarted.summary(later)).isEqualTo(this.comparisons.summary(later));
		assertThat(restarted.latestDifferences(10)).extracting(Difference::orderId)
			.containsExactly(liveOnly, mismatched);
	}

	@Test
	void keepsOnlyTheLatestDifferencesNewestFirst() {
		List<UUID> orders = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
		for (int i = 0; i < orders.size(); i++) {
			this.comparisons.issued(Side.V1, invoice(orders.get(i), "v1", "1.33"), T0.plusSeconds(i));
			this.comparisons.issued(Side.V2, invoice(orders.get(i), "v2", "1.32"), T0.plusSeconds(i));
		}

		assertThat(this.comparisons.latestDifferences(10)).extracting(Difference::orderId)
			.containsExactly(orders.get(3), orders.get(2), orders.get(1));
		assertThat(this.comparisons.latestDifferences(2)).hasSize(2);
		assertThat(this.comparisons.summary(T0.plusSeconds(4)).mismatch()).isEqualTo(4);
	}

	@Test
	void nothingCountsAsRunningBeforeTheStateIsLoaded() {
		Comparisons loading = new Comparisons(GRACE, 3);

		assertThat(loading.summary(T0).status()).isEqualTo("loading");
		assertThat(this.comparisons.summary(T0).status()).isEqualTo("running");
	}

	private static InvoiceIssued invoice(UUID orderId, String billingVersion, String tax) {
		// DE 19%: 2.49 -> 0.47 and 4.49 -> 0.85 per line; v1 rounds 6.98 -> 1.33 once.
		List<InvoiceLine> lines = List.of(line("SKU-A", 1, "2.49", "0.47"), line("SKU-B", 1, "4.49", "0.85"));
		Money net = eur("6.98");
		Money taxAmount = eur(tax);
		return new InvoiceIssued(UUID.randomUUID(), orderId, UUID.randomUUID(), "customer-1", lines, net, taxAmount,
				net.plus(taxAmount), billingVersion, T0);
	}

	private static InvoiceVoided voided(UUID orderId, String billingVersion) {
		return new InvoiceVoided(UUID.randomUUID(), orderId, UUID.randomUUID(), "order cancelled", billingVersion, T0);
	}

	private static InvoiceLine line(String sku, int quantity, String unitPrice, String tax) {
		Money price = eur(unitPrice);
		return new InvoiceLine(sku, quantity, price, price.times(quantity), eur(tax));
	}

	private static Money eur(String amount) {
		return Money.of(amount, "EUR");
	}

}
