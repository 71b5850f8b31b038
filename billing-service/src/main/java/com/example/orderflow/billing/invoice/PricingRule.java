package com.example.orderflow.billing.invoice;

import java.math.BigDecimal;
import java.util.List;

import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.Money;

/**
 * Where tax is rounded. The two rules give different totals for some orders, by a cent,
 * which is exactly what the v1/v2 comparison has to surface.
 */
enum PricingRule {

	/** Tax once on the invoice's net total, rounded half-even. */
	TAX_ON_NET_TOTAL {

		@Override
		Money tax(List<InvoiceLine> lines, Money net, BigDecimal rate) {
			return net.times(rate);
		}

	},

	/**
	 * Tax rounded half-even on each line, then summed, so the lines add up to the
	 * invoice.
	 */
	TAX_PER_LINE {

		@Override
		Money tax(List<InvoiceLine> lines, Money net, BigDecimal rate) {
			return lines.stream().map(InvoiceLine::tax).reduce(Money.zero(net.currency()), Money::plus);
		}

	};

	/**
	 * The invoice's tax.
	 * @param lines the invoice lines, each with its own rounded tax
	 * @param net the sum of the lines' net amounts
	 * @param rate the tax rate of the shipping country
	 * @return the tax of the whole invoice
	 */
	abstract Money tax(List<InvoiceLine> lines, Money net, BigDecimal rate);

}
