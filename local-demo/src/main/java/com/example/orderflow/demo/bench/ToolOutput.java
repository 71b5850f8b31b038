package com.example.orderflow.demo.bench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the figures out of what Kafka's own tools print: the final summary line of
 * {@code ProducerPerformance} and the two result lines of {@code EndToEndLatency}.
 */
final class ToolOutput {

	private static final String NUMBER = "([0-9]+(?:\\.[0-9]+)?)";

	/**
	 * The final line; the periodic lines lack the percentiles:
	 * {@code 100000 records sent, 48123.4 records/sec (22.95 MB/sec), 12.34 ms avg latency, 345.00 ms max latency, 5 ms 50th, 30 ms 95th, 40 ms 99th, 50 ms 99.9th.}
	 */
	private static final Pattern PRODUCER_SUMMARY = Pattern.compile("([0-9]+) records sent, " + NUMBER
			+ " records/sec \\(" + NUMBER + " MB/sec\\), " + NUMBER + " ms avg latency, " + NUMBER
			+ " ms max latency, ([0-9]+) ms 50th, ([0-9]+) ms 95th, ([0-9]+) ms 99th, ([0-9]+) ms 99\\.9th");

	private static final Pattern END_TO_END_AVERAGE = Pattern.compile("Avg latency: " + NUMBER + " ms");

	private static final Pattern END_TO_END_PERCENTILES = Pattern
		.compile("Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99\\.9th = ([0-9]+)");

	private ToolOutput() {
	}

	/** The summary of a ProducerPerformance run, if its output has one. */
	static Optional<ProducerPerformance> producerPerformance(List<String> lines) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			Matcher summary = PRODUCER_SUMMARY.matcher(lines.get(i));
			if (summary.find()) {
				return Optional.of(new ProducerPerformance(Long.parseLong(summary.group(1)),
						Double.parseDouble(summary.group(2)), Double.parseDouble(summary.group(3)),
						Double.parseDouble(summary.group(4)), Double.parseDouble(summary.group(5)),
						Integer.parseInt(summary.group(6)), Integer.parseInt(summary.group(7)),
						Integer.parseInt(summary.group(8)), Integer.parseInt(summary.group(9))));
			}
		}
		return Optional.empty();
	}

	/** The result of an EndToEndLatency run, if its output has both lines. */
	static Optional<EndToEndLatency> endToEndLatency(List<String> lines) {
		Double average = null;
		for (String line : lines) {
			Matcher matcher = END_TO_END_AVERAGE.matcher(line);
			if (matcher.find()) {
				average = Double.parseDouble(matcher.group(1));
			}
			Matcher percentiles = END_TO_END_PERCENTILES.matcher(line);
			if (percentiles.find() && average != null) {
				return Optional.of(new EndToEndLatency(average, Integer.parseInt(percentiles.group(1)),
						Integer.parseInt(percentiles.group(2)), Integer.parseInt(percentiles.group(3))));
			}
		}
		return Optional.empty();
	}

	/**
	 * ProducerPerformance's summary: acks=all, one producer, as fast as it goes.
	 *
	 * @param records records sent
	 * @param recordsPerSecond throughput
	 * @param megabytesPerSecond throughput in MB
	 * @param averageMs average send-to-acknowledgement latency
	 * @param maxMs the longest
	 * @param p50 median latency (whole milliseconds, as the tool prints them)
	 * @param p95 95th percentile
	 * @param p99 99th percentile
	 * @param p999 99.9th percentile
	 */
	record ProducerPerformance(long records, double recordsPerSecond, double megabytesPerSecond, double averageMs,
			double maxMs, int p50, int p95, int p99, int p999) {
	}

	/**
	 * EndToEndLatency's result: one record at a time, produced synchronously and
	 * consumed, from send to receipt.
	 *
	 * @param averageMs average
	 * @param p50 median (whole milliseconds)
	 * @param p99 99th percentile
	 * @param p999 99.9th percentile
	 */
	record EndToEndLatency(double averageMs, int p50, int p99, int p999) {
	}

}
