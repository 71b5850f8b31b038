package com.example.orderflow.billing.invoice;

import java.util.Locale;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;

/**
 * The two billing versions that run side by side from the same jar. Each is its own
 * consumer group, so it reads every order with its own offsets, and writes its own topic,
 * so v2 can be compared with v1 before it takes over.
 */
enum BillingVersion {

	/** The live version: customers see its invoices. */
	V1(ConsumerGroups.BILLING, Topics.INVOICES, PricingRule.TAX_ON_NET_TOTAL),

	/** The shadow version, whose invoices are only compared with v1's. */
	V2(ConsumerGroups.BILLING_V2, Topics.INVOICES_V2, PricingRule.TAX_PER_LINE);

	private final String group;

	private final String outputTopic;

	private final PricingRule pricingRule;

	BillingVersion(String group, String outputTopic, PricingRule pricingRule) {
		this.group = group;
		this.outputTopic = outputTopic;
		this.pricingRule = pricingRule;
	}

	// Public because the listener reads it through SpEL (#{@billingVersion.group()}).
	public String group() {
		return this.group;
	}

	String outputTopic() {
		return this.outputTopic;
	}

	PricingRule pricingRule() {
		return this.pricingRule;
	}

	/** The name in the events' {@code billingVersion} field: {@code v1} or {@code v2}. */
	String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
