package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every compared order in memory, keyed by orderId: rebuilt from the comparison topic at
 * start, then updated by the listener. All counts are derived from this map, never
 * incremented per record, so a redelivered invoice, a restart or a replay of the topics
 * can never count an order twice.
 * <p>
 * Orders whose classification can still change with time alone (one side has something
 * the other lacks) are kept apart and classified on every read; all others are counted
 * once when they change. Access is synchronized: the listener's consumers write (each
 * order always by the same one), HTTP and metrics read.
 */
class Comparisons {

	private static final Logger logger = LoggerFactory.getLogger(Comparisons.class);

	private static final Comparator<Difference> OLDEST_FIRST = Comparator.comparing(Difference::when)
		.thenComparing(Difference::orderId);

	private final Duration grace;

	private final int keptDifferences;

	private final Map<UUID, OrderComparison> orders = new HashMap<>();

	/** Counts of the orders that are not awaiting: their classification is final. */
	private final Tally settled = new Tally();

	/** Orders with something on one side only: classified whenever asked. */
	private final Set<UUID> awaiting = new HashSet<>();

	/** The last classification of each awaiting order that the differences reflect. */
	private final Map<UUID, Classification> announced = new HashMap<>();

	/** The latest differences, oldest first, at most {@link #keptDifferences}. */
	private final LinkedHashMap<UUID, Difference> latest = new LinkedHashMap<>(16, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<UUID, Difference> eldest) {
			return size() > Comparisons.this.keptDifferences;
		}

	};

	private volatile boolean loaded;

	Comparisons(Duration grace, int keptDifferences) {
		this.grace = grace;
		this.keptDifferences = keptDifferences;
	}

	Duration grace() {
		return this.grace;
	}

	/**
	 * Records an invoice from one side.
	 * @return the order's state to write, also when the invoice changed nothing (a
	 * redelivery): the memory may be ahead of the topic after a rolled-back transaction,
	 * and the redelivery is what makes the topic catch up
	 */
	synchronized OrderComparison issued(Side side, InvoiceIssued invoice, Instant now) {
		return apply(invoice.orderId(), (order) -> order.withIssued(side, invoice, now), now);
	}

	/** Records a void from one side; see {@link #issued}. */
	synchronized OrderComparison voided(Side side, InvoiceVoided voided, Instant now) {
		return apply(voided.orderId(), (order) -> order.withVoided(side, voided, now), now);
	}

	private OrderComparison apply(UUID orderId, UnaryOperator<OrderComparison> change, Instant now) {
		OrderComparison before = this.orders.get(orderId);
		OrderComparison after = change.apply((before != null) ? before : OrderComparison.of(orderId));
		if (before != null && before.sameSidesAs(after)) {
			return before;
		}
		OrderComparison stamped = after.classifiedAt(now, this.grace);
		put(stamped);
		if (this.loaded) {
			reflect(stamped, now);
		}
		return stamped;
	}

	/** An order's state as read back from the comparison topic at start. */
	synchronized void restore(OrderComparison order) {
		put(order.sharingParts());
	}

	/** A tombstone on the comparison topic: the order is forgotten. */
	synchronized void forget(UUID orderId) {
		OrderComparison before = this.orders.remove(orderId);
		if (before != null) {
			unaccount(before);
		}
		this.latest.remove(orderId);
		this.announced.remove(orderId);
	}

	/**
	 * The state is read back: from now on the numbers are meaningful. Rebuilds the latest
	 * differences from the restored orders.
	 */
	synchronized void loaded(Instant now) {
		List<Difference> differences = new ArrayList<>();
		for (OrderComparison order : this.orders.values()) {
			Classification classification = order.classify(now, this.grace);
			if (order.isAwaiting()) {
				this.announced.put(order.orderId(), classification);
			}
			if (classification.result().isDifference()) {
				differences.add(Difference.of(order.orderId(), classification));
			}
		}
		differences.sort(OLDEST_FIRST);
		this.latest.clear();
		differences.forEach((difference) -> this.latest.put(difference.orderId(), difference));
		this.loaded = true;
	}

	boolean isLoaded() {
		return this.loaded;
	}

	/**
	 * The scheduled check: finds the awaiting orders whose classification changed with
	 * time alone (their grace period ran out) and lists them among the differences.
	 * @return how many orders changed
	 */
	synchronized int checkGracePeriods(Instant now) {
		int changed = 0;
		for (UUID orderId : this.awaiting) {
			Classification classification = this.orders.get(orderId).classify(now, this.grace);
			if (!sameOutcome(this.announced.get(orderId), classification)) {
				reflect(this.orders.get(orderId), now);
				changed++;
			}
		}
		return changed;
	}

	synchronized ComparisonSummary summary(Instant now) {
		Tally tally = tally(now);
		Map<String, ComparisonSummary.LiveVersion> byLive = new LinkedHashMap<>();
		for (String live : tally.liveVersions()) {
			long match = tally.count(Result.MATCH, live);
			long mismatch = tally.count(Result.MISMATCH, live);
			long orders = 0;
			for (Result result : Result.values()) {
				orders += tally.count(result, live);
			}
			byLive.put(live,
					new ComparisonSummary.LiveVersion(meaning(live), orders, match + mismatch, match, mismatch,
							tally.count(Result.MISSING_IN_V2, live), tally.count(Result.MISSING_IN_V1, live),
							tally.count(Result.PENDING, live), rate(match, mismatch)));
		}
		long match = tally.count(Result.MATCH);
		long mismatch = tally.count(Result.MISMATCH);
		return new ComparisonSummary(this.loaded ? "running" : "loading", this.grace.toString(), this.orders.size(),
				match + mismatch, match, mismatch, tally.count(Result.MISSING_IN_V2), tally.count(Result.MISSING_IN_V1),
				tally.count(Result.PENDING), rate(match, mismatch), byLive);
	}

	/** Orders by result and live version at {@code now}: what the metrics read. */
	synchronized Tally tally(Instant now) {
		Tally tally = this.settled.copy();
		for (UUID orderId : this.awaiting) {
			tally.add(this.orders.get(orderId).classify(now, this.grace), 1);
		}
		return tally;
	}

	/** The latest differences, newest first. */
	synchronized List<Difference> latestDifferences(int limit) {
		List<Difference> newestFirst = new ArrayList<>(this.latest.values());
		Collections.reverse(newestFirst);
		return newestFirst.subList(0, Math.min(Math.max(limit, 0), newestFirst.size()));
	}

	synchronized Optional<OrderComparison> find(UUID orderId) {
		return Optional.ofNullable(this.orders.get(orderId));
	}

	private void put(OrderComparison order) {
		OrderComparison before = this.orders.put(order.orderId(), order);
		if (before != null) {
			unaccount(before);
		}
		if (order.isAwaiting()) {
			this.awaiting.add(order.orderId());
		}
		else {
			this.settled.add(order.classify(Instant.EPOCH, this.grace), 1);
		}
	}

	private void unaccount(OrderComparison order) {
		if (order.isAwaiting()) {
			this.awaiting.remove(order.orderId());
		}
		else {
			this.settled.add(order.classify(Instant.EPOCH, this.grace), -1);
		}
	}

	/** Brings the latest differences in line with the order's classification now. */
	private void reflect(OrderComparison order, Instant now) {
		Classification classification = order.classify(now, this.grace);
		UUID orderId = order.orderId();
		if (order.isAwaiting()) {
			this.announced.put(orderId, classification);
		}
		else {
			this.announced.remove(orderId);
		}
		Difference previous = this.latest.remove(orderId);
		if (classification.result().isDifference()) {
			Difference difference = Difference.of(orderId, classification);
			this.latest.put(orderId, difference);
			if (previous == null || !sameOutcome(previous, difference)) {
				logger.info("Order {}: {} (live {}) {}", orderId, classification.result(), classification.liveVersion(),
						classification.fields());
			}
		}
		else if (previous != null) {
			logger.info("Order {}: {} now, after {}", orderId, classification.result(), previous.result());
		}
	}

	private static boolean sameOutcome(Classification a, Classification b) {
		return a != null && a.result() == b.result() && a.fields().equals(b.fields());
	}

	private static boolean sameOutcome(Difference a, Difference b) {
		return a.result() == b.result() && Objects.equals(a.fields(), b.fields());
	}

	private static Double rate(long match, long mismatch) {
		return (match + mismatch > 0) ? (double) match / (match + mismatch) : null;
	}

	private static String meaning(String live) {
		return switch (live) {
			case Tally.LIVE_V1 -> "live v1 against shadow v2: the comparison before a cut-over";
			case Tally.LIVE_V2 -> "live v2 against shadow v2, after a cut-over: expected to match always";
			case Tally.NO_LIVE_RECORD -> "nothing on the live topic (yet)";
			default -> "live " + live + " against shadow v2";
		};
	}

}
