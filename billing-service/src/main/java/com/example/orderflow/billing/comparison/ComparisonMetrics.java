package com.example.orderflow.billing.comparison;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The comparison as Prometheus sees it, every value read from {@link Comparisons} (and so
 * from the comparison topic), never counted per record:
 * <ul>
 * <li>{@code orderflow_billing_comparison_total{result="match"|"mismatch", live}}: orders
 * compared, by result and by the billingVersion of their live record. A restart reads the
 * same values back from the topic, so the counter continues where it was.</li>
 * <li>{@code orderflow_billing_comparison_unresolved{result="pending"|"missing_in_v2"|"missing_in_v1",
 * live}}: orders on one topic only now. Gauges, because a late arrival turns them into a
 * match or mismatch.</li>
 * </ul>
 * A compared order leaves its counter only in one case: both sides issued, one side
 * voided and the other not within the grace period (match to mismatch), or that late void
 * arriving after all (back to match). Prometheus reads that dip as a counter reset.
 */
class ComparisonMetrics {

	static final String COMPARED = "orderflow.billing.comparison";

	static final String UNRESOLVED = "orderflow.billing.comparison.unresolved";

	static final String UNREADABLE = "orderflow.billing.comparison.unreadable";

	private static final List<String> LIVE_VERSIONS = List.of(Tally.LIVE_V1, Tally.LIVE_V2);

	private final MeterRegistry meters;

	private final Comparisons comparisons;

	private final Clock clock;

	ComparisonMetrics(MeterRegistry meters, Comparisons comparisons, Clock clock) {
		this.meters = meters;
		this.comparisons = comparisons;
		this.clock = clock;
	}

	/** Once the state is loaded: before, every value would read as a drop to zero. */
	void register() {
		for (String live : LIVE_VERSIONS) {
			compared(Result.MATCH, live);
			compared(Result.MISMATCH, live);
			unresolved(Result.PENDING, live);
			unresolved(Result.MISSING_IN_V2, live);
		}
		unresolved(Result.PENDING, Tally.NO_LIVE_RECORD);
		unresolved(Result.MISSING_IN_V1, Tally.NO_LIVE_RECORD);
	}

	private void compared(Result result, String live) {
		FunctionCounter.builder(COMPARED, this.comparisons, (comparisons) -> count(result, live))
			.description("Orders with an invoice on both invoices and invoices-v2, by result and live version")
			.tag("result", result.tag())
			.tag("live", live)
			.register(this.meters);
	}

	private void unresolved(Result result, String live) {
		Gauge.builder(UNRESOLVED, this.comparisons, (comparisons) -> count(result, live))
			.description("Orders on only one of invoices and invoices-v2 now, by result and live version")
			.tag("result", result.tag())
			.tag("live", live)
			.register(this.meters);
	}

	private double count(Result result, String live) {
		return this.comparisons.tally(this.clock.instant()).count(result, live);
	}

}
