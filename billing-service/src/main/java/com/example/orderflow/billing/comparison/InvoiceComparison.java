package com.example.orderflow.billing.comparison;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;

/**
 * Applies a poll's invoice events to the comparisons and saves each order's state once
 * per poll, the latest: an order's two invoices usually arrive in the same poll (one
 * consumer reads both topics' partitions of the order, see
 * {@link ComparisonConfiguration}), and its state with both sides replaces the one-sided
 * state anyway on the compacted topic. A redelivered event changes nothing in memory but
 * its order is saved again: the same keyed value, harmless, and needed when the first
 * delivery's transaction rolled back.
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

	/** Starts the work of one poll; call {@link Poll#save()} at its end. */
	Poll poll() {
		return new Poll();
	}

	/** The orders one poll changed, each with its latest state. Not thread-safe. */
	final class Poll {

		private final Map<UUID, OrderComparison> latest = new LinkedHashMap<>();

		void issued(Side side, InvoiceIssued invoice) {
			keep(InvoiceComparison.this.comparisons.issued(side, invoice, InvoiceComparison.this.clock.instant()));
		}

		void voided(Side side, InvoiceVoided voided) {
			keep(InvoiceComparison.this.comparisons.voided(side, voided, InvoiceComparison.this.clock.instant()));
		}

		private void keep(OrderComparison order) {
			this.latest.put(order.orderId(), order);
		}

		/**
		 * Writes each changed order's latest state, in the poll's transaction when called
		 * from the listener.
		 * @return how many states were written
		 */
		int save() {
			this.latest.values().forEach(InvoiceComparison.this.state::save);
			int saved = this.latest.size();
			this.latest.clear();
			return saved;
		}

	}

}
