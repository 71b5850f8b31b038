package com.example.orderflow.billing.invoice;

import java.util.Locale;

/**
 * The two billing versions that run side by side from the same jar: the same service with
 * a different pricing rule. Which group a version consumes as and which topic it writes
 * is its {@link BillingWriter}'s business.
 */
public enum BillingVersion {

	/** The version customers saw first: tax on the invoice's net total. */
	V1(PricingRule.TAX_ON_NET_TOTAL),

	/** The new version: tax rounded per line, so some invoices differ by a cent. */
	V2(PricingRule.TAX_PER_LINE);

	private final PricingRule pricingRule;

	BillingVersion(PricingRule pricingRule) {
		this.pricingRule = pricingRule;
	}

	PricingRule pricingRule() {
		return this.pricingRule;
	}

	/** The name in the events' {@code billingVersion} field: {@code v1} or {@code v2}. */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The version named {@code v1} or {@code v2}. */
	public static BillingVersion of(String label) {
		for (BillingVersion version : values()) {
			if (version.label().equals(label)) {
				return version;
			}
		}
		throw new IllegalArgumentException("No billing version '" + label + "': v1 or v2");
	}

}
