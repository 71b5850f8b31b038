package com.example.orderflow.billing.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import com.example.orderflow.events.Topics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InvoicingTests {

	private static final Instant CREATED_AT = Instant.parse("2026-01-05T10:15:30Z");

	@Test
	void v1TaxesTheNetTotalOnceAndV2RoundsEachLineSoTheyDifferByACent() {
		// DE 19%: 2.49 -> 0.4731 -> 0.47 and 4.49 -> 0.8531 -> 0.85 per line (1.32),
		// but 6.98 -> 1.3262 -> 1.33 on the total.
		OrderCreated order = order("DE", new OrderLine("SKU-A", 1, Money.of("2.49", "EUR")),
				new OrderLine("SKU-B", 1, Money.of("4.49", "EUR")));

		InvoiceIssued v1 = new Invoicing(BillingVersion.V1).issue(order);
		InvoiceIssued v2 = new Invoicing(BillingVersion.V2).issue(order);

		assertThat(v1.net()).isEqualTo(Money.of("6.98", "EUR"));
		assertThat(v1.tax()).isEqualTo(Money.of("1.33", "EUR"));
		assertThat(v1.total()).isEqualTo(Money.of("8.31", "EUR"));
		assertThat(v2.net()).isEqualTo(Money.of("6.98", "EUR"));
		assertThat(v2.tax()).isEqualTo(Money.of("1.32", "EUR"));
		assertThat(v2.total()).isEqualTo(Money.of("8.30", "EUR"));
		assertThat(v1.lines()).isEqualTo(v2.lines());
	}

	@Test
	void bothVersionsAgreeWhenLineRoundingCancelsOut() {
		OrderCreated order = order("DE", new OrderLine("SKU-BOOK", 2, Money.of("12.50", "EUR")),
				new OrderLine("SKU-PEN", 3, Money.of("1.99", "EUR")));

		InvoiceIssued v1 = new Invoicing(BillingVersion.V1).issue(order);
		InvoiceIssued v2 = new Invoicing(BillingVersion.V2).issue(order);

		assertThat(v1.tax()).isEqualTo(v2.tax()).isEqualTo(Money.of("5.88", "EUR"));
		assertThat(v1.total()).isEqualTo(v2.total()).isEqualTo(Money.of("36.85", "EUR"));
	}

	@Test
	void linesCarryTheirNetAmountAndTheirRoundedTax() {
		OrderCreated order = order("NL", new OrderLine("SKU-BOOK", 2, Money.of("12.50", "EUR")),
				new OrderLine("SKU-PEN", 3, Money.of("1.99", "EUR")));

		InvoiceIssued invoice = new Invoicing(BillingVersion.V1).issue(order);

		assertThat(invoice.lines()).containsExactly(
				new InvoiceLine("SKU-BOOK", 2, Money.of("12.50", "EUR"), Money.of("25.00", "EUR"),
						Money.of("5.25", "EUR")),
				new InvoiceLine("SKU-PEN", 3, Money.of("1.99", "EUR"), Money.of("5.97", "EUR"),
						Money.of("1.25", "EUR")));
	}

	@Test
	void ordersToTheUnitedStatesCarryNoTax() {
		InvoiceIssued invoice = new Invoicing(BillingVersion.V1)
			.issue(order("US", new OrderLine("SKU-A", 4, Money.of("10.00", "USD"))));

		assertThat(invoice.tax()).isEqualTo(Money.zero("USD"));
		assertThat(invoice.total()).isEqualTo(Money.of("40.00", "USD"));
	}

	@Test
	void taxRateFollowsTheShippingCountryWithTwentyPercentForOthers() {
		assertThat(TaxRates.forCountry("DE")).isEqualByComparingTo("0.19");
		assertThat(TaxRates.forCountry("FR")).isEqualByComparingTo("0.20");
		assertThat(TaxRates.forCountry("NL")).isEqualByComparingTo("0.21");
		assertThat(TaxRates.forCountry("GB")).isEqualByComparingTo("0.20");
		assertThat(TaxRates.forCountry("US")).isEqualByComparingTo(BigDecimal.ZERO);
		assertThat(TaxRates.forCountry("de")).isEqualByComparingTo("0.19");
		assertThat(TaxRates.forCountry("JP")).isEqualByComparingTo("0.20");
		assertThat(TaxRates.forCountry(null)).isEqualByComparingTo("0.20");
	}

	@Test
	void invoiceAnswersItsOrderAndNamesTheBillingVersion() {
		OrderCreated order = order("FR", new OrderLine("SKU-A", 1, Money.of("9.99", "EUR")));

		InvoiceIssued v1 = new Invoicing(BillingVersion.V1).issue(order);
		InvoiceIssued v2 = new Invoicing(BillingVersion.V2).issue(order);

		assertThat(v1.orderId()).isEqualTo(order.orderId());
		assertThat(v1.causationId()).isEqualTo(order.eventId());
		assertThat(v1.customerId()).isEqualTo(order.customerId());
		assertThat(v1.issuedAt()).isEqualTo(CREATED_AT);
		assertThat(v1.billingVersion()).isEqualTo("v1");
		assertThat(v2.billingVersion()).isEqualTo("v2");
	}

	@Test
	void sameOrderGivesTheSameInvoiceApartFromItsEventId() {
		OrderCreated order = order("GB", new OrderLine("SKU-A", 3, Money.of("3.33", "GBP")));
		Invoicing invoicing = new Invoicing(BillingVersion.V1);

		InvoiceIssued first = invoicing.issue(order);
		InvoiceIssued second = invoicing.issue(order);

		assertThat(second).usingRecursiveComparison().ignoringFields("eventId").isEqualTo(first);
	}

	@Test
	void cancellationVoidsTheInvoice() {
		OrderCancelled cancellation = new OrderCancelled(UUID.randomUUID(), UUID.randomUUID(), "changed my mind",
				CREATED_AT.plusSeconds(60));

		InvoiceVoided voided = new Invoicing(BillingVersion.V2).voidInvoice(cancellation);

		assertThat(voided.orderId()).isEqualTo(cancellation.orderId());
		assertThat(voided.causationId()).isEqualTo(cancellation.eventId());
		assertThat(voided.billingVersion()).isEqualTo("v2");
		assertThat(voided.voidedAt()).isEqualTo(cancellation.cancelledAt());
		assertThat(voided.reason()).isEqualTo("order cancelled");
	}

	@Test
	void eachWriterHasItsOwnGroupAndTheLiveOnesShareTheInvoicesTopic() {
		BillingWriter v1 = BillingWriter.live(BillingVersion.V1);
		BillingWriter v2Shadow = new BillingWriter(BillingVersion.V2, BillingRole.SHADOW);
		BillingWriter v2Live = BillingWriter.live(BillingVersion.V2);

		assertThat(v1.group()).isEqualTo(ConsumerGroups.BILLING);
		assertThat(v1.outputTopic()).isEqualTo(Topics.INVOICES);
		assertThat(v2Shadow.group()).isEqualTo(ConsumerGroups.BILLING_V2);
		assertThat(v2Shadow.outputTopic()).isEqualTo(Topics.INVOICES_V2);
		assertThat(v2Live.group()).isEqualTo(ConsumerGroups.BILLING_V2_LIVE);
		assertThat(v2Live.outputTopic()).isEqualTo(Topics.INVOICES);
		// Only the shadow consumes from the start; a live writer waits for the
		// live-writer
		// record.
		assertThat(v2Shadow.consumesFromStart()).isTrue();
		assertThat(v1.consumesFromStart()).isFalse();
		assertThat(v2Live.consumesFromStart()).isFalse();
	}

	@Test
	void v1HasNoShadowRole() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BillingWriter(BillingVersion.V1, BillingRole.SHADOW))
			.withMessageContaining("v1 runs only live");
	}

	private static OrderCreated order(String country, OrderLine... lines) {
		List<OrderLine> orderLines = List.of(lines);
		Money total = orderLines.stream()
			.map(OrderLine::lineTotal)
			.reduce(Money.zero(lines[0].unitPrice().currency()), Money::plus);
		return new OrderCreated(UUID.randomUUID(), UUID.randomUUID(), "customer-1", orderLines, total, country,
				CREATED_AT);
	}

}
