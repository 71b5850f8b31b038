package com.example.orderflow.cluster.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.status.TextTable;

/**
 * The bench's results for people: a table of every figure beside its raw baseline, the
 * ratio and the target, and a chart of latency by rate.
 */
final class BenchReport {

	/** Ingest throughput, at least this share of the keyed raw producer's. */
	static final double INGEST_SHARE_TARGET = 0.25;

	/** Pipeline p99 within this many times the raw EndToEndLatency p99. */
	static final double PIPELINE_P99_TARGET = 5;

	static final double READY_SECONDS_TARGET = 30;

	static final long STACK_RSS_TARGET_MB = 4096;

	private BenchReport() {
	}

	static String table(BenchResults results) {
		TextTable table = new TextTable();
		table.row("figure", "value", "baseline", "ratio", "target");
		BenchResults.StackFigures stack = results.stack();
		table.row("stack: launch to all ready", seconds(stack.readySeconds()),
				"cluster " + seconds(stack.clusterSeconds()), "",
				met(stack.readySeconds() <= READY_SECONDS_TARGET, "<= " + seconds(READY_SECONDS_TARGET)));
		table.row("stack: RSS, " + stack.rssIdleMb().size() + " processes, ready", stack.totalIdleMb() + " MB", "", "",
				met(stack.totalIdleMb() < STACK_RSS_TARGET_MB, "< " + STACK_RSS_TARGET_MB + " MB"));
		table.row("stack: RSS after the load", stack.totalLoadedMb() + " MB", "", "",
				met(stack.totalLoadedMb() < STACK_RSS_TARGET_MB, "< " + STACK_RSS_TARGET_MB + " MB"));
		stack.rssLoadedMb()
			.forEach((name, mb) -> table.row("  RSS " + name, mb + " MB",
					"ready " + stack.rssIdleMb().get(name) + " MB", "", ""));
		table.row("  RSS bench launcher (load generator)", stack.launcherRssMb() + " MB", "", "", "not counted");
		ToolOutput.ProducerPerformance pp = results.producerPerformance();
		table.row("raw: ProducerPerformance acks=all 500 B", perSecond(pp.recordsPerSecond()),
				"p50 %d p99 %d ms".formatted(pp.p50(), pp.p99()), "", "");
		ToolOutput.EndToEndLatency e2e = results.endToEndLatency();
		table.row("raw: EndToEndLatency acks=all 500 B", "p50 %d p99 %d ms".formatted(e2e.p50(), e2e.p99()),
				"p99.9 %d ms".formatted(e2e.p999()), "", "");
		BenchResults.RawLoop keyed = results.keyedIdempotent();
		table.row("raw: " + keyed.name() + " " + keyed.recordBytes() + " B", perSecond(keyed.recordsPerSecond()),
				latency(keyed.latencyMs()), ratio(keyed.recordsPerSecond(), pp.recordsPerSecond()) + " of PP", "");
		BenchResults.RawLoop tx = results.keyedTransactional();
		for (BenchResults.RawLoop loop : List.of(tx, results.consumerShapeDefaults(), results.consumerShape())) {
			table.row("raw: " + loop.name() + ", " + loop.threads() + " producers", perSecond(loop.recordsPerSecond()),
					latency(loop.latencyMs()), ratio(loop.recordsPerSecond(), keyed.recordsPerSecond()) + " of keyed",
					"");
		}
		for (BenchResults.Step step : results.ingest()) {
			table.row("ingest %.0f/s: HTTP p50/p99/p99.9".formatted(step.targetRate()),
					"%.1f/%.1f/%.1f ms".formatted(step.httpMs().p50(), step.httpMs().p99(), step.httpMs().p999()),
					"tx p99 %.1f ms".formatted(tx.latencyMs().p99()), ratio(step.httpMs().p99(), tx.latencyMs().p99()),
					step.sustainable() ? "ok" : step.verdict());
		}
		double highest = results.highestSustainableRate();
		table.row("ingest: highest sustainable rate", perSecond(highest), perSecond(keyed.recordsPerSecond()),
				ratio(highest, keyed.recordsPerSecond()), met(highest >= INGEST_SHARE_TARGET * keyed.recordsPerSecond(),
						">= " + percent(INGEST_SHARE_TARGET) + " of keyed"));
		table.row("  the same against one tx per record", perSecond(highest), perSecond(tx.recordsPerSecond()),
				ratio(highest, tx.recordsPerSecond()), "");
		double taken = results.ingest()
			.stream()
			.filter(BenchResults.Step::takenWithoutErrors)
			.mapToDouble(BenchResults.Step::targetRate)
			.max()
			.orElse(0);
		table.row("ingest: highest rate taken without errors (any p99)", perSecond(taken),
				perSecond(keyed.recordsPerSecond()), ratio(taken, keyed.recordsPerSecond()), "");
		for (BenchResults.Step step : results.pipeline()) {
			for (Map.Entry<String, BenchResults.GroupFigures> group : step.groups().entrySet()) {
				BenchResults.GroupFigures figures = group.getValue();
				String label = "pipeline %.0f/s: %s p50/p99".formatted(step.targetRate(), group.getKey());
				String target = "<= %.0fx".formatted(PIPELINE_P99_TARGET);
				if (figures.matched() == 0) {
					// No latency to show: none of the step's orders reached this group's
					// output before the drain ended.
					table.row(label, "no output of %d orders".formatted(figures.missing()),
							"e2e p99 %d ms".formatted(e2e.p99()), "-", met(false, target) + lag(figures));
					continue;
				}
				table.row(label, "%.0f/%.0f ms".formatted(figures.latencyMs().p50(), figures.latencyMs().p99()),
						"e2e p99 %d ms".formatted(e2e.p99()), ratio(figures.latencyMs().p99(), e2e.p99()),
						met(figures.latencyMs().p99() <= PIPELINE_P99_TARGET * Math.max(1, e2e.p99()), target)
								+ lag(figures));
			}
		}
		return "Results (ratios against raw Kafka measured in this run)\n" + table.render("  ");
	}

	/** Latency by offered rate: HTTP p50 and p99, and each group's p99 to its output. */
	static String chart(BenchResults results) {
		List<BenchResults.Step> steps = new ArrayList<>(results.ingest());
		steps.addAll(results.pipeline());
		steps.sort(Bench.byRate());
		List<LatencyChart.Series> series = new ArrayList<>();
		series.add(new LatencyChart.Series("HTTP p50 (ingest)",
				results.ingest()
					.stream()
					.map((step) -> new LatencyChart.Point(step.targetRate(), step.httpMs().p50()))
					.toList()));
		series.add(new LatencyChart.Series("HTTP p99 (ingest)",
				results.ingest()
					.stream()
					.map((step) -> new LatencyChart.Point(step.targetRate(), step.httpMs().p99()))
					.toList()));
		Map<String, List<LatencyChart.Point>> byGroup = new LinkedHashMap<>();
		for (BenchResults.Step step : steps) {
			step.groups()
				.forEach((group, figures) -> byGroup.computeIfAbsent(group, (key) -> new ArrayList<>())
					.add(new LatencyChart.Point(step.targetRate(), figures.latencyMs().p99())));
		}
		byGroup.forEach((group, points) -> series.add(new LatencyChart.Series(group + " p99", points)));
		series.add(new LatencyChart.Series("raw EndToEndLatency p99",
				steps.stream()
					.map((step) -> new LatencyChart.Point(step.targetRate(), results.endToEndLatency().p99()))
					.distinct()
					.toList()));
		return LatencyChart.svg("orderflow bench " + results.startedAt() + ": latency by offered rate", series,
				Bench.HTTP_P99_LIMIT_MS);
	}

	private static String lag(BenchResults.GroupFigures figures) {
		return figures.lagBounded() ? ", lag bounded" : ", LAG UNBOUNDED (max %d)".formatted(figures.maxLag());
	}

	private static String met(boolean met, String target) {
		return (met ? "met " : "MISSED ") + target;
	}

	private static String seconds(double seconds) {
		return Bench.format("%.1f s", seconds);
	}

	private static String perSecond(double rate) {
		return Bench.format("%.0f/s", rate);
	}

	private static String latency(Percentiles percentiles) {
		return Bench.format("p50 %.1f p99 %.1f ms", percentiles.p50(), percentiles.p99());
	}

	static String ratio(double value, double baseline) {
		if (baseline <= 0) {
			return "-";
		}
		double ratio = value / baseline;
		return (ratio < 1) ? percent(ratio) : Bench.format("%.1fx", ratio);
	}

	private static String percent(double share) {
		return Bench.format("%.1f%%", share * 100);
	}

}
