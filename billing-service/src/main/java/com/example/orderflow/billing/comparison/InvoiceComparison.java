package com.example.orderflow.billing.comparison;

import java.time.Clock;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;

/**
 * Applies one invoice event to the comparisons and saves the order's state. A redelivered
 * event changes nothing in memory but is saved again: the same keyed value, harmless on a
 * compacted topic, and needed when the first delivery's transaction rolled back.
 */
class InvoiceComparison {

	private final Comparisons comparisons;

	private final ComparisonStateTopic state;

	private final Clock clock;

	InvoiceComparison(Comparisons comparisons, ComparisonStateTopic state, Clock clock) {
		this.comparisons = comparisons;
		this.state = state;
		this.clock = clock;
	}

	void issued(Side side, InvoiceIssued invoice) {
		this.state.save(this.comparisons.issued(side, invoice, this.clock.instant()));
	}

	void voided(Side side, InvoiceVoided voided) {
		this.state.save(this.comparisons.voided(side, voided, this.clock.instant()));
	}

}
