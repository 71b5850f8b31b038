package com.example.orderflow.demo.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Latency percentiles by nearest rank: the value at or below which at least that share of
 * the samples lie, always one of the samples (no interpolation).
 *
 * @param count how many samples
 * @param p50 the median, in milliseconds
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max the largest sample
 */
public record Percentiles(int count, double p50, double p99, double p999, double max) {

	/** No samples: every figure is 0 and {@link #count()} says so. */
	public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0);

	public static Percentiles of(Collection<Double> samples) {
		return of(samples.stream().mapToDouble(Double::doubleValue).toArray());
	}

	public static Percentiles of(double... samples) {
		if (samples.length == 0) {
			return NONE;
		}
		double[] sorted = samples.clone();
		Arrays.sort(sorted);
		return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), rank(sorted, 0.999),
				sorted[sorted.length - 1]);
	}

	/** The nearest-rank percentile of sorted samples, {@code share} between 0 and 1. */
	static double rank(double[] sorted, double share) {
		int index = (int) Math.ceil(share * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
