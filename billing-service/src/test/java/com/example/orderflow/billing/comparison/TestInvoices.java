package com.example.orderflow.billing.comparison;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.Money;

/** Invoices as billing v1 and v2 write them, for the comparison's tests. */
final class TestInvoices {

	private TestInvoices() {
	}

	/**
	 * DE 19% on 2.49 + 4.49: v1 taxes the net total once (1.33), v2 each line (0.47 +
	 * 0.85 = 1.32).
	 */
	static InvoiceIssued issued(UUID orderId, String billingVersion, String tax) {
		List<InvoiceLine> lines = List.of(line("SKU-A", "2.49", "0.47"), line("SKU-B", "4.49", "0.85"));
		Money net = Money.of("6.98", "EUR");
		Money taxAmount = Money.of(tax, "EUR");
		return new InvoiceIssued(UUID.randomUUID(), orderId, UUID.randomUUID(), "customer-7", lines, net, taxAmount,
				net.plus(taxAmount), billingVersion, Instant.now());
	}

	private static InvoiceLine line(String sku, String price, String tax) {
		Money unitPrice = Money.of(price, "EUR");
		return new InvoiceLine(sku, 1, unitPrice, unitPrice, Money.of(tax, "EUR"));
	}

}
