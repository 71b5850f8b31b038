package com.example.orderflow.billing.comparison;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Orders counted by result and by live version (the billingVersion of the order's record
 * on the live topic, {@code none} without one).
 */
final class Tally {

	static final String LIVE_V1 = "v1";

	static final String LIVE_V2 = "v2";

	static final String NO_LIVE_RECORD = "none";

	private final Map<String, EnumMap<Result, Long>> counts = new LinkedHashMap<>();

	Tally() {
		for (String live : new String[] { LIVE_V1, LIVE_V2, NO_LIVE_RECORD }) {
			this.counts.put(live, new EnumMap<>(Result.class));
		}
	}

	Tally copy() {
		Tally copy = new Tally();
		this.counts.forEach((live, byResult) -> copy.counts.put(live, new EnumMap<>(byResult)));
		return copy;
	}

	void add(Classification classification, long delta) {
		this.counts.computeIfAbsent(liveKey(classification.liveVersion()), (key) -> new EnumMap<>(Result.class))
			.merge(classification.result(), delta, Long::sum);
	}

	long count(Result result, String live) {
		EnumMap<Result, Long> byResult = this.counts.get(live);
		return (byResult != null) ? byResult.getOrDefault(result, 0L) : 0;
	}

	long count(Result result) {
		return this.counts.keySet().stream().mapToLong((live) -> count(result, live)).sum();
	}

	Iterable<String> liveVersions() {
		return this.counts.keySet();
	}

	static String liveKey(String liveVersion) {
		return (liveVersion != null) ? liveVersion : NO_LIVE_RECORD;
	}

}
