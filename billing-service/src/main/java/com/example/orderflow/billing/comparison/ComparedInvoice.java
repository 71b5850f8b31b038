package com.example.orderflow.billing.comparison;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.Money;

/**
 * The fields of an {@link InvoiceIssued} that the comparison looks at: what the customer
 * is billed. Not the eventId (random per event) nor the billingVersion (different by
 * design), nor issuedAt (the order's own time on both sides).
 *
 * @param customerId who is billed
 * @param lines the invoice lines
 * @param net the sum of the lines' net amounts
 * @param tax the tax
 * @param total net plus tax
 */
record ComparedInvoice(String customerId, List<InvoiceLine> lines, Money net, Money tax, Money total) {

	ComparedInvoice {
		lines = List.copyOf(lines);
	}

	static ComparedInvoice of(InvoiceIssued invoice) {
		return new ComparedInvoice(invoice.customerId(), invoice.lines(), invoice.net(), invoice.tax(),
				invoice.total());
	}

	/**
	 * This invoice made of the other side's parts wherever they are equal, and of one
	 * instance for equal parts within it (a line's net is its unit price when the
	 * quantity is 1). The comparison keeps every order in memory: a matched order then
	 * holds its invoice once, a mismatched one twice only the parts that differ (README,
	 * "The comparison").
	 * @param other the other side's invoice of the same order, null if none arrived
	 */
	ComparedInvoice sharingWith(ComparedInvoice other) {
		if (this.equals(other)) {
			return other;
		}
		Parts parts = new Parts();
		if (other != null) {
			parts.seed(other);
		}
		return new ComparedInvoice(parts.one(this.customerId), parts.one(this.lines.stream().map(parts::line).toList()),
				parts.one(this.net), parts.one(this.tax), parts.one(this.total));
	}

	/**
	 * Every compared field whose value differs, this invoice as v1 and the other as v2.
	 */
	List<FieldDifference> differencesTo(ComparedInvoice v2) {
		List<FieldDifference> differences = new ArrayList<>();
		compare(differences, "customerId", this.customerId, v2.customerId);
		compare(differences, "currency", currency(this.net), currency(v2.net));
		compare(differences, "net", text(this.net), text(v2.net));
		compare(differences, "tax", text(this.tax), text(v2.tax));
		compare(differences, "total", text(this.total), text(v2.total));
		compare(differences, "lines", String.valueOf(this.lines.size()), String.valueOf(v2.lines.size()));
		for (int i = 0; i < Math.min(this.lines.size(), v2.lines.size()); i++) {
			InvoiceLine a = this.lines.get(i);
			InvoiceLine b = v2.lines.get(i);
			String prefix = "lines[" + i + "].";
			compareLine(differences, prefix + "sku", a, b, InvoiceLine::sku);
			compareLine(differences, prefix + "quantity", a, b, (line) -> String.valueOf(line.quantity()));
			compareLine(differences, prefix + "unitPrice", a, b, (line) -> text(line.unitPrice()));
			compareLine(differences, prefix + "net", a, b, (line) -> text(line.net()));
			compareLine(differences, prefix + "tax", a, b, (line) -> text(line.tax()));
		}
		return differences;
	}

	private static void compareLine(List<FieldDifference> differences, String field, InvoiceLine v1, InvoiceLine v2,
			Function<InvoiceLine, String> value) {
		compare(differences, field, value.apply(v1), value.apply(v2));
	}

	private static void compare(List<FieldDifference> differences, String field, String v1, String v2) {
		if (!Objects.equals(v1, v2)) {
			differences.add(new FieldDifference(field, v1, v2));
		}
	}

	private static String currency(Money money) {
		return (money != null) ? money.currency() : null;
	}

	/** {@code 1.33 EUR}: the exact amount, as on the wire, with its currency. */
	static String text(Money money) {
		return (money != null) ? money.amount().toPlainString() + " " + money.currency() : null;
	}

	/** One instance per distinct value: the first one seen. */
	private static final class Parts {

		private final Map<Object, Object> seen = new HashMap<>();

		/**
		 * Registers the other side's parts as they are, so that equal ones are shared.
		 */
		void seed(ComparedInvoice invoice) {
			one(invoice.customerId);
			one(invoice.lines);
			for (InvoiceLine line : invoice.lines) {
				one(line);
				one(line.unitPrice());
				one(line.net());
				one(line.tax());
			}
			one(invoice.net);
			one(invoice.tax);
			one(invoice.total);
		}

		/** An equal line seen before, or this one made of shared parts. */
		InvoiceLine line(InvoiceLine line) {
			Object same = this.seen.get(line);
			if (same != null) {
				return (InvoiceLine) same;
			}
			// A catalog's SKUs are few: one instance each in the JVM.
			String sku = (line.sku() != null) ? line.sku().intern() : null;
			InvoiceLine shared = new InvoiceLine(sku, line.quantity(), one(line.unitPrice()), one(line.net()),
					one(line.tax()));
			return one(shared);
		}

		@SuppressWarnings("unchecked")
		<T> T one(T value) {
			return (value != null) ? (T) this.seen.computeIfAbsent(value, (first) -> first) : null;
		}

	}

}
