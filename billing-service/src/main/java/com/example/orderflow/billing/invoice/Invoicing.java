package com.example.orderflow.billing.invoice;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;

/**
 * Turns order events into invoice events under this instance's billing version. Pure: the
 * result depends only on the input event (only the new eventId is random), and its
 * timestamps are the order's own, so a redelivered order gives the same invoice and v1
 * and v2 invoices can be compared field by field.
 */
class Invoicing {

	private final BillingVersion version;

	Invoicing(BillingVersion version) {
		this.version = version;
	}

	InvoiceIssued issue(OrderCreated order) {
		BigDecimal rate = TaxRates.forCountry(order.shippingCountry());
		List<InvoiceLine> lines = order.lines().stream().map((line) -> {
			Money net = line.lineTotal();
			return new InvoiceLine(line.sku(), line.quantity(), line.unitPrice(), net, net.times(rate));
		}).toList();
		Money net = lines.stream().map(InvoiceLine::net).reduce(Money.zero(order.total().currency()), Money::plus);
		Money tax = this.version.pricingRule().tax(lines, net, rate);
		return new InvoiceIssued(UUID.randomUUID(), order.orderId(), order.eventId(), order.customerId(), lines, net,
				tax, net.plus(tax), this.version.label(), order.createdAt());
	}

	InvoiceVoided voidInvoice(OrderCancelled cancellation) {
		return new InvoiceVoided(UUID.randomUUID(), cancellation.orderId(), cancellation.eventId(), "order cancelled",
				this.version.label(), cancellation.cancelledAt());
	}

}
