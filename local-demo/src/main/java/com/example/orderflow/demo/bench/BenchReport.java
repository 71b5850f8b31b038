package com.example.orderflow.demo.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.example.orderflow.demo.status.TextTable;

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
				met(stack.totalIdleMb() <= STACK_RSS_TARGET_MB, "<= " + STACK_RSS_TARGET_MB + " MB"));
		table.row("stack: RSS after the %s step".formatted(perSecond(Bench.PIPELINE_RATE)),
				stack.totalLoadedMb() + " MB", "", "",
				met(stack.totalLoadedMb() <= STACK_RSS_TARGET_MB, "<= " + STACK_RSS_TARGET_MB + " MB"));
		stack.rssLoadedMb()
			.forEach((name, mb) -> table.row("  RSS " + name, mb + " MB",
					"ready " + stack.rssIdleMb().get(name) + " MB", "", ""));
		table.row("  RSS bench launcher (load generator)", stack.launcherRssMb() + " MB", "", "", "not counted");
		BenchResults.OrdersRestart restart = results.ordersRestart();
		if (restart != null) {
			table.row("orders-service: kill -9 to ready, %,d orders in its book".formatted(restart.orders()),
					seconds(restart.readySeconds()), "RSS " + restart.rssMb() + " MB", "", "");
		}
		ToolOutput.ProducerPerformance pp = results.producerPerformance();
		table.row("raw: ProducerPerformance acks=all 500 B", perSecond(pp.recordsPerSecond()),
				"p50 %d p99 %d ms".formatted(pp.p50(), pp.p99()), "", "");
		ToolOutput.EndToEndLatency e2e = results.endToEndLatency();
		table.row("raw: EndToEndLatency acks=all 500 B", "p50 %d p99 %d ms".formatted(e2e.p50(), e2e.p99()),
				"p99.9 %d ms".formatted(e2e.p999()), "", "");
		BenchResults.RawLoop keyed = results.keyedIdempotent();
		table.row("raw: " + keyed.name() + " " + keyed.recordBytes() + " B", perSecond(keyed.recordsPerSecond()),
				latency(keyed.latencyMs()), ratio(keyed.recordsPerSecond(), pp.recordsPerSecond()) + " of PP", "");
		BenchResults.KeepUp keepUp = results.keepUp();
		table.row("raw: physical bound, keyed / %d records per order".formatted(BenchResults.RECORDS_PER_ORDER),
				orders(keepUp.physicalBound()), "", "", "");
		BenchResults.RawLoop tx = results.keyedTransactional();
		for (BenchResults.RawLoop loop : List.of(tx, results.consumerShapeDefaults(), results.consumerShape())) {
			table.row("raw: " + loop.name() + ", " + loop.threads() + " producers", perSecond(loop.recordsPerSecond()),
					latency(loop.latencyMs()), ratio(loop.recordsPerSecond(), keyed.recordsPerSecond()) + " of keyed",
					"");
		}
		consumeTransformProduce(table, results.consumeTransformProduce(), keepUp);
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
		double withinLimit = highestWithinHttpLimit(results);
		table.row(
				"ingest: highest rate, no errors and HTTP p99 <= %.0f ms, any step".formatted(Bench.HTTP_P99_LIMIT_MS),
				perSecond(withinLimit), "physical bound " + orders(keepUp.physicalBound()),
				ratio(withinLimit, keepUp.physicalBound()),
				met(withinLimit >= Bench.PIPELINE_RATE, ">= " + perSecond(Bench.PIPELINE_RATE)));
		for (BenchResults.Step step : results.pipeline()) {
			if (step.phase().equals("pipeline") || step.targetRate() == Bench.PIPELINE_RATE) {
				latencyRows(table, step, e2e);
				comparisonRow(table, step);
			}
		}
		for (BenchResults.Step step : results.pipeline()) {
			if (step.phase().equals("keep-up")) {
				keepUpRow(table, step);
				if (step.targetRate() == Bench.PIPELINE_RATE) {
					cpuRows(table, step, results.machine());
				}
			}
		}
		table.row("keep-up: highest rate every group keeps up with", perSecond(keepUp.highestRate()) + from(keepUp),
				"physical bound " + orders(keepUp.physicalBound()), ratio(keepUp.highestRate(), keepUp.physicalBound()),
				met(keepUp.highestRate() >= Bench.PIPELINE_RATE, ">= " + perSecond(Bench.PIPELINE_RATE)) + "; aim "
						+ met(keepUp.highestRate() >= Bench.KEEP_UP_AIM, ">= " + perSecond(Bench.KEEP_UP_AIM)));
		table.row("  the same against the raw consume-transform-produce ceiling", perSecond(keepUp.highestRate()),
				"warm " + orders(keepUp.rawCeiling()), ratio(keepUp.highestRate(), keepUp.rawCeiling()), "");
		apiAloneRows(table, results);
		String text = "Results (ratios against raw Kafka measured in this run)\n" + table.render("  ");
		if (!results.perRecord().isEmpty()) {
			text += "\n" + perRecordAgainstBatched(results);
		}
		if (results.tracingOff() != null && !results.tracingOff().isEmpty()) {
			text += "\n" + tracingOnAgainstOff(results);
		}
		return text;
	}

	private static void consumeTransformProduce(TextTable table, BenchResults.ConsumeTransformProduce ctp,
			BenchResults.KeepUp keepUp) {
		String shape = "raw: consume-transform-produce, %d groups".formatted(ctp.groups());
		for (BenchResults.TransactionPass pass : List.of(ctp.cold(), ctp.warm())) {
			table.row("%s, %s".formatted(shape, pass.name()), orders(pass.ordersPerSecond()),
					"physical bound " + orders(keepUp.physicalBound()),
					ratio(pass.ordersPerSecond(), keepUp.physicalBound()),
					pass.complete() ? "%d records in %.1f s, %.0f per tx".formatted(pass.orders(), pass.seconds(),
							pass.recordsPerTransaction()) : "INCOMPLETE: time limit");
		}
		BenchResults.TransactionPass perRecord = ctp.perRecord();
		table.row("%s, %s".formatted(shape, perRecord.name()), orders(perRecord.ordersPerSecond()),
				"warm " + orders(ctp.warm().ordersPerSecond()),
				ratio(perRecord.ordersPerSecond(), ctp.warm().ordersPerSecond()),
				"%d transactions in %.0f s, p99 %.0f ms".formatted(perRecord.transactions(), perRecord.seconds(),
						perRecord.transactionMs().p99()));
		table.row("  offsets committed with the outputs, to the input's end", ctp.offsetsCommitted() ? "yes" : "NO", "",
				"", "");
	}

	/**
	 * p50/p99 per group from the order event to its output, against raw EndToEndLatency
	 * p99.
	 */
	private static void latencyRows(TextTable table, BenchResults.Step step, ToolOutput.EndToEndLatency e2e) {
		for (Map.Entry<String, BenchResults.GroupFigures> group : step.groups().entrySet()) {
			BenchResults.GroupFigures figures = group.getValue();
			String label = "%s %.0f/s: %s p50/p99".formatted(step.phase(), step.targetRate(), group.getKey());
			String target = "<= %.0fx".formatted(PIPELINE_P99_TARGET);
			String keptUp = ", " + keepUpVerdict(figures, step.targetRate());
			if (figures.matched() == 0) {
				// No latency to show: none of the step's orders reached this group's
				// output before the drain ended.
				table.row(label, "no output of %d orders".formatted(figures.missing()),
						"e2e p99 %d ms".formatted(e2e.p99()), "-", met(false, target) + keptUp);
				continue;
			}
			table.row(label, "%.0f/%.0f ms".formatted(figures.latencyMs().p50(), figures.latencyMs().p99()),
					"e2e p99 %d ms".formatted(e2e.p99()), ratio(figures.latencyMs().p99(), e2e.p99()),
					met(figures.latencyMs().p99() <= PIPELINE_P99_TARGET * Math.max(1, e2e.p99()), target) + keptUp);
		}
	}

	/** The billing comparison: lag only, it writes no output per order to time. */
	private static void comparisonRow(TextTable table, BenchResults.Step step) {
		BenchResults.LagFigures comparison = step.comparison();
		if (comparison == null) {
			return;
		}
		String drained = (comparison.drainSeconds() >= 0) ? "drained after %.1f s".formatted(comparison.drainSeconds())
				: "not drained";
		table.row("%s %.0f/s: %s lag".formatted(step.phase(), step.targetRate(), comparison.group()),
				"max %d invoices, %s".formatted(comparison.maxLag(), drained), "", "",
				keepUpVerdict(comparison, step.targetRate()));
	}

	/** Where the CPU went while the step offered its load. */
	private static void cpuRows(TextTable table, BenchResults.Step step, Map<String, String> machine) {
		double cores = step.cpuCores().values().stream().mapToDouble(Double::doubleValue).sum();
		table.row(
				"  CPU while %s were offered (%s), every process".formatted(perSecond(step.targetRate()), step.phase()),
				Bench.format("%.2f cores", cores), machine.getOrDefault("processors", "?") + " cores", "", "");
		step.cpuCores()
			.forEach((process, used) -> table.row("    CPU " + process, Bench.format("%.2f cores", used), "", "", ""));
		table.row("    CPU of the whole machine (cores)", LoadSteps.machine(step), "", "", "");
	}

	/**
	 * The orders API alone at the pipeline's rate, beside the same rate with every
	 * service running (both without tracing): what the API takes when nothing else of the
	 * system runs bounds what any group can be offered.
	 */
	private static void apiAloneRows(TextTable table, BenchResults results) {
		BenchResults.Step alone = results.apiAlone();
		if (alone == null) {
			return;
		}
		String baseline = results.stepsAt(alone.targetRate(), "tracing-off")
			.stream()
			.findFirst()
			.map((all) -> "every service %s".formatted(perSecond(all.acknowledgedPerSecond())))
			.orElse("");
		table.row(
				"keep-up: the orders API alone, %s offered for %.0f s".formatted(perSecond(alone.targetRate()),
						alone.seconds()),
				"took " + perSecond(alone.acknowledgedPerSecond()), baseline,
				ratio(alone.acknowledgedPerSecond(), alone.targetRate()) + " of offered",
				"no consumer service, tracing off; " + (alone.takenWithoutErrors() ? "taken" : alone.verdict()));
		cpuRows(table, alone, results.machine());
	}

	private static void keepUpRow(TextTable table, BenchResults.Step step) {
		List<String> missed = step.groups()
			.entrySet()
			.stream()
			.filter((group) -> !group.getValue().keptUp())
			.map((group) -> group.getKey() + " " + keepUpVerdict(group.getValue(), step.targetRate()))
			.toList();
		List<String> value = new ArrayList<>();
		BenchResults.LagFigures comparison = step.comparison();
		if (comparison != null && !comparison.lagBounded()) {
			missed = new ArrayList<>(missed);
			missed.add(comparison.group() + " " + keepUpVerdict(comparison, step.targetRate()));
		}
		if (!step.takenWithoutErrors()) {
			value.add("the API took %.0f/s, %d errors".formatted(step.acknowledgedPerSecond(), step.errors()));
		}
		value.addAll(missed);
		if (value.isEmpty()) {
			value.add("every group kept up");
		}
		boolean must = step.targetRate() == Bench.PIPELINE_RATE;
		table.row("keep-up %.0f/s for %.0f s".formatted(step.targetRate(), step.seconds()), String.join("; ", value),
				"acknowledged %.0f/s".formatted(step.acknowledgedPerSecond()), "",
				met(step.everyGroupKeptUp(), must ? "every group (must)" : "every group"));
	}

	/**
	 * Whether a group kept up and, if not, why: no output, lag over the limit or never
	 * sampled, not drained.
	 */
	static String keepUpVerdict(BenchResults.GroupFigures group, double rate) {
		if (group.keptUp()) {
			return "kept up";
		}
		List<String> why = new ArrayList<>();
		if (group.matched() == 0) {
			why.add("no output");
		}
		why.addAll(lagReasons(group.lagSamples(), group.maxLag(), group.drainSeconds(), LoadSteps.lagLimit(rate)));
		return "MISSED (" + String.join(", ", why) + ")";
	}

	/** The same for the billing comparison, which reads two invoices per order. */
	static String keepUpVerdict(BenchResults.LagFigures group, double rate) {
		if (group.lagBounded()) {
			return "kept up";
		}
		return "MISSED (" + String.join(", ", lagReasons(group.lagSamples(), group.maxLag(), group.drainSeconds(),
				LoadSteps.lagLimit(LoadSteps.INVOICES_PER_ORDER * rate))) + ")";
	}

	/**
	 * Why a group's lag did not count as bounded: never sampled, over the limit, not
	 * drained.
	 */
	private static List<String> lagReasons(List<Long> samples, long maxLag, double drainSeconds, long limit) {
		List<String> why = new ArrayList<>();
		if (samples.isEmpty()) {
			why.add("lag never sampled");
		}
		else if (maxLag > limit) {
			why.add("max lag %d > %d".formatted(maxLag, limit));
		}
		if (drainSeconds < 0) {
			why.add("not drained");
		}
		return why;
	}

	/**
	 * The highest offered rate of any step with the batched services that had no errors
	 * and an HTTP p99 within the limit: the ingest steps and the pipeline steps alike.
	 */
	static double highestWithinHttpLimit(BenchResults results) {
		return Stream.concat(results.ingest().stream(), results.pipeline().stream())
			.filter(BenchResults.Step::sustainable)
			.mapToDouble(BenchResults.Step::targetRate)
			.max()
			.orElse(0);
	}

	/**
	 * Per record against batched: each per-record step beside the batched step at the
	 * same rate, group by group.
	 */
	static String perRecordAgainstBatched(BenchResults results) {
		TextTable table = new TextTable();
		table.row("rate", "group", "batched p50/p99", "batched", "per record p50/p99", "per record",
				"p99 per record / batched");
		for (BenchResults.Step perRecord : results.perRecord()) {
			BenchResults.Step batched = results.stepsAt(perRecord.targetRate(), "pipeline", "ingest", "keep-up")
				.stream()
				.findFirst()
				.orElse(null);
			String rate = "%.0f/s, %.0f s".formatted(perRecord.targetRate(), perRecord.seconds());
			for (Map.Entry<String, BenchResults.GroupFigures> group : perRecord.groups().entrySet()) {
				BenchResults.GroupFigures slow = group.getValue();
				BenchResults.GroupFigures fast = (batched != null) ? batched.groups().get(group.getKey()) : null;
				if (fast == null) {
					table.row(rate, group.getKey(), "not run", "", latency(slow),
							keepUpVerdict(slow, perRecord.targetRate()), "-");
					continue;
				}
				table.row(rate, group.getKey(), latency(fast), keepUpVerdict(fast, batched.targetRate()), latency(slow),
						keepUpVerdict(slow, perRecord.targetRate()), (fast.matched() > 0 && slow.matched() > 0)
								? ratio(slow.latencyMs().p99(), fast.latencyMs().p99()) : "-");
			}
			table.row(rate, "every group",
					(batched != null) ? "%s step, %.0f s".formatted(batched.phase(), batched.seconds()) : "",
					(batched != null) ? (batched.everyGroupKeptUp() ? "kept up" : "MISSED") : "", "",
					perRecord.everyGroupKeptUp() ? "kept up" : "MISSED", "");
		}
		return "Per record against batched: the consumer services restarted with one transaction per record,"
				+ " the same steps again\n" + table.render("  ");
	}

	/**
	 * Tracing on (every span to Zipkin, as the rest of the run) against off: each step of
	 * the services restarted without tracing beside the traced step at the same rate.
	 */
	static String tracingOnAgainstOff(BenchResults results) {
		TextTable table = new TextTable();
		table.row("rate", "figure", "tracing on", "tracing off", "on / off");
		for (BenchResults.Step off : results.tracingOff()) {
			BenchResults.Step on = results.stepsAt(off.targetRate(), "pipeline", "keep-up", "ingest")
				.stream()
				.findFirst()
				.orElse(null);
			String rate = "%.0f/s, %.0f s".formatted(off.targetRate(), off.seconds());
			if (on == null) {
				table.row(rate, "not run with tracing on", "", "", "");
				continue;
			}
			table.row(rate, "API: 201s per second", perSecond(on.acknowledgedPerSecond()),
					perSecond(off.acknowledgedPerSecond()),
					ratio(on.acknowledgedPerSecond(), off.acknowledgedPerSecond()));
			table.row(rate, "HTTP p50/p99", "%.0f/%.0f ms".formatted(on.httpMs().p50(), on.httpMs().p99()),
					"%.0f/%.0f ms".formatted(off.httpMs().p50(), off.httpMs().p99()),
					ratio(on.httpMs().p99(), off.httpMs().p99()));
			for (Map.Entry<String, BenchResults.GroupFigures> group : off.groups().entrySet()) {
				BenchResults.GroupFigures traced = on.groups().get(group.getKey());
				BenchResults.GroupFigures untraced = group.getValue();
				table.row(rate, group.getKey() + " p50/p99", (traced != null) ? latency(traced) : "not run",
						latency(untraced), (traced != null && traced.matched() > 0 && untraced.matched() > 0)
								? ratio(traced.latencyMs().p99(), untraced.latencyMs().p99()) : "-");
			}
			table.row(rate, "every group", on.everyGroupKeptUp() ? "kept up" : "MISSED",
					off.everyGroupKeptUp() ? "kept up" : "MISSED", "");
		}
		return "Tracing on against off: every service restarted without tracing (Brave's auto-configuration left"
				+ " out), the same steps again\n" + table.render("  ");
	}

	private static String latency(BenchResults.GroupFigures group) {
		return (group.matched() == 0) ? "no output of %d".formatted(group.missing())
				: "%.0f/%.0f ms".formatted(group.latencyMs().p50(), group.latencyMs().p99());
	}

	private static String from(BenchResults.KeepUp keepUp) {
		return (keepUp.fromPhase().isEmpty() || keepUp.fromPhase().equals("keep-up")) ? ""
				: " (a shorter %s step)".formatted(keepUp.fromPhase());
	}

	/**
	 * Latency by offered rate: HTTP p50 and p99, each group's p99 to its output with the
	 * batched services, and dashed in the same colour with one transaction per record.
	 */
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
		Map<String, Integer> colours = new LinkedHashMap<>();
		p99ByGroup(steps).forEach((group, points) -> {
			colours.put(group, series.size());
			series.add(new LatencyChart.Series(group + " p99", points));
		});
		series.add(new LatencyChart.Series("raw EndToEndLatency p99",
				steps.stream()
					.map((step) -> new LatencyChart.Point(step.targetRate(), results.endToEndLatency().p99()))
					.distinct()
					.toList()));
		List<BenchResults.Step> perRecord = new ArrayList<>(results.perRecord());
		perRecord.sort(Bench.byRate());
		p99ByGroup(perRecord)
			.forEach((group, points) -> series.add(new LatencyChart.Series(group + " p99, tx per record", points,
					colours.getOrDefault(group, series.size()), true)));
		return LatencyChart.svg("orderflow bench " + results.startedAt() + ": latency by offered rate", series,
				Bench.HTTP_P99_LIMIT_MS);
	}

	private static Map<String, List<LatencyChart.Point>> p99ByGroup(List<BenchResults.Step> steps) {
		Map<String, List<LatencyChart.Point>> byGroup = new LinkedHashMap<>();
		for (BenchResults.Step step : steps) {
			step.groups()
				.forEach((group, figures) -> byGroup.computeIfAbsent(group, (key) -> new ArrayList<>())
					.add(new LatencyChart.Point(step.targetRate(), figures.latencyMs().p99())));
		}
		return byGroup;
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

	private static String orders(double rate) {
		return Bench.format("%.0f orders/s", rate);
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
