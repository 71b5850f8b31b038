package com.example.orderflow.billing.invoice;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How this instance of billing runs.
 *
 * @param version {@code v1} or {@code v2}: the pricing rule
 * @param role {@code live} (writes {@code invoices} while its version is the live one) or
 * {@code shadow} (v2 only, writes {@code invoices-v2}); by default v1 is live and v2 the
 * shadow
 */
@ConfigurationProperties("billing")
record BillingProperties(@DefaultValue("v1") BillingVersion version, BillingRole role) {

	BillingWriter writer() {
		BillingRole effective = (this.role != null) ? this.role
				: (this.version == BillingVersion.V1) ? BillingRole.LIVE : BillingRole.SHADOW;
		return new BillingWriter(this.version, effective);
	}

}
