package com.example.orderflow.demo.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolOutputTests {

	@Test
	void producerPerformanceIsReadFromItsFinalSummaryNotItsPeriodicLines() {
		// Captured from ./demo bench --quick on the local 3-node cluster, 2026-11-24.
		List<String> output = List.of(
				"31809 records sent, 6360.5 records/sec (3.03 MB/sec), 1719.1 ms avg latency, 3015.0 ms max latency.",
				"66304 records sent, 13218.5 records/sec (6.30 MB/sec), 4524.3 ms avg latency, 5694.0 ms max latency.",
				"100000 records sent, 9762.8 records/sec (4.66 MB/sec), 3641.05 ms avg latency, 5694.00 ms max latency, 4021 ms 50th, 5389 ms 95th, 5558 ms 99th, 5661 ms 99.9th.");

		ToolOutput.ProducerPerformance summary = ToolOutput.producerPerformance(output).orElseThrow();

		assertThat(summary.records()).isEqualTo(100_000);
		assertThat(summary.recordsPerSecond()).isEqualTo(9762.8);
		assertThat(summary.megabytesPerSecond()).isEqualTo(4.66);
		assertThat(summary.averageMs()).isEqualTo(3641.05);
		assertThat(summary.maxMs()).isEqualTo(5694.0);
		assertThat(summary.p50()).isEqualTo(4021);
		assertThat(summary.p95()).isEqualTo(5389);
		assertThat(summary.p99()).isEqualTo(5558);
		assertThat(summary.p999()).isEqualTo(5661);
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
		List<String> output = List.of("0\t12.345", "Avg latency: 11.3990 ms",
				"Percentiles: 50th = 10, 99th = 38, 99.9th = 174");

		ToolOutput.EndToEndLatency result = ToolOutput.endToEndLatency(output).orElseThrow();

		assertThat(result.averageMs()).isEqualTo(11.399);
		assertThat(result.p50()).isEqualTo(10);
		assertThat(result.p99()).isEqualTo(38);
		assertThat(result.p999()).isEqualTo(174);
	}

	@Test
	void endToEndLatencyThatTimedOutHasNoResult() {
		assertThat(ToolOutput.endToEndLatency(List
			.of("Exception in thread \"main\" java.lang.RuntimeException: poll() timed out before finding a result (timeout:[60000])")))
			.isEmpty();
	}

}
