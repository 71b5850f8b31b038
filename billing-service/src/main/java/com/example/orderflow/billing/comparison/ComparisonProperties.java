package com.example.orderflow.billing.comparison;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The blue/green comparison of billing v1 and v2 ({@code billing.comparison.*}).
 *
 * @param enabled whether this instance runs the comparison; the local stack switches it
 * on in the billing-v2 shadow process. Run it in one process only: each instance keeps
 * the whole comparison in memory
 * @param gracePeriod how long an order may be on one topic only before it counts as
 * missing on the other
 * @param checkInterval how often the orders on one topic only are checked against the
 * grace period
 * @param keptDifferences how many of the latest differences are kept for
 * {@code /admin/billing/comparison/differences}
 * @param loadRetryInterval how long to wait before reading the comparison topic again
 * when the cluster did not answer at start
 * @param concurrency how many consumers read the invoice topics, each with its own
 * transactions; every one of them gets the same partition numbers of both topics (see
 * {@link ComparisonConfiguration})
 */
@ConfigurationProperties("billing.comparison")
record ComparisonProperties(@DefaultValue("false") boolean enabled, @DefaultValue("30s") Duration gracePeriod,
		@DefaultValue("1s") Duration checkInterval, @DefaultValue("100") int keptDifferences,
		@DefaultValue("5s") Duration loadRetryInterval, @DefaultValue("3") int concurrency) {

	ComparisonProperties {
		if (concurrency < 1) {
			throw new IllegalArgumentException("billing.comparison.concurrency must be at least 1");
		}
	}

}
