package com.example.orderflow.cluster.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolOutputTests {

	@Test
	void producerPerformanceIsReadFromItsFinalSummaryNotItsPeriodicLines() {
		List<String> output = List.of(
				"121921 records sent, 24374.5 records/sec (11.62 MB/sec), 1048.2 ms avg latency, 1752.0 ms max latency.",
				"248265 records sent, 49613.3 records/sec (23.66 MB/sec), 614.4 ms avg latency, 735.0 ms max latency.",
				"500000 records sent, 41365.8 records/sec (19.72 MB/sec), 709.73 ms avg latency, 1752.00 ms max latency, 654 ms 50th, 1376 ms 95th, 1653 ms 99th, 1733 ms 99.9th.");

		ToolOutput.ProducerPerformance summary = ToolOutput.producerPerformance(output).orElseThrow();

		assertThat(summary.records()).isEqualTo(500_000);
		assertThat(summary.recordsPerSecond()).isEqualTo(41365.8);
		assertThat(summary.megabytesPerSecond()).isEqualTo(19.72);
		assertThat(summary.averageMs()).isEqualTo(709.73);
		assertThat(summary.maxMs()).isEqualTo(1752.0);
		assertThat(summary.p50()).isEqualTo(654);
		assertThat(summary.p95()).isEqualTo(1376);
		assertThat(summary.p99()).isEqualTo(1653);
		assertThat(summary.p999()).isEqualTo(1733);
	}

	@Test
	void producerPerformanceWithoutASummaryHasNone() {
		assertThat(ToolOutput.producerPerformance(List.of(
				"121921 records sent, 24374.5 records/sec (11.62 MB/sec), 1048.2 ms avg latency, 1752.0 ms max latency.",
				"org.apache.kafka.common.errors.TimeoutException: Topic bench-raw not present in metadata")))
			.isEmpty();
	}

	@Test
	void endToEndLatencyIsReadFromItsAverageAndPercentileLines() {
		List<String> output = List.of("0\t12.345", "Avg latency: 1.7234 ms",
				"Percentiles: 50th = 1, 99th = 7, 99.9th = 15");

		ToolOutput.EndToEndLatency result = ToolOutput.endToEndLatency(output).orElseThrow();

		assertThat(result.averageMs()).isEqualTo(1.7234);
		assertThat(result.p50()).isEqualTo(1);
		assertThat(result.p99()).isEqualTo(7);
		assertThat(result.p999()).isEqualTo(15);
	}

	@Test
	void endToEndLatencyThatTimedOutHasNoResult() {
		assertThat(ToolOutput.endToEndLatency(List
			.of("Exception in thread \"main\" java.lang.RuntimeException: poll() timed out before finding a result (timeout:[60000])")))
			.isEmpty();
	}

}
