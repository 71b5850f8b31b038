package com.example.orderflow.demo.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

class BenchResultsWritingTests {

	@Test
	void jsonHasEveryFigureAndReadsBack() {
		JsonNode json = JsonMapper.builder().build().readTree(results().toJson());

		assertThat(json.path("quick").asBoolean()).isTrue();
		assertThat(json.path("stack").path("readySeconds").asDouble()).isEqualTo(41.5);
		assertThat(json.path("stack").path("rssIdleMb").path("kafka-node-1").asLong()).isEqualTo(360);
		assertThat(json.path("producerPerformance").path("recordsPerSecond").asDouble()).isEqualTo(41365.8);
		assertThat(json.path("endToEndLatency").path("p99").asInt()).isEqualTo(7);
		assertThat(json.path("ordersRestart").path("orders").asLong()).isEqualTo(100_000);
		assertThat(json.path("ordersRestart").path("readySeconds").asDouble()).isEqualTo(9.4);
		assertThat(json.path("consumerShapeDefaults").path("recordsPerSecond").asDouble()).isEqualTo(50);
		assertThat(json.path("consumerShape").path("recordsPerSecond").asDouble()).isEqualTo(200);
		assertThat(json.path("keyedTransactional").path("recordsPerSecond").asDouble()).isEqualTo(500);
		assertThat(json.path("ingest")).hasSize(2);
		assertThat(json.path("ingest").get(1).path("verdict").asString()).isEqualTo("p99 140 ms > 100 ms");
		assertThat(json.path("pipeline")
			.get(0)
			.path("groups")
			.path("fraud-service")
			.path("latencyMs")
			.path("p99")
			.asDouble()).isEqualTo(60);
		assertThat(json.path("highestSustainableRate").asDouble()).isEqualTo(25);
	}

	@Test
	void jsonHasTheCeilingTheKeepUpVerdictsAndThePerRecordSteps() {
		JsonNode json = JsonMapper.builder().build().readTree(results().toJson());

		JsonNode ctp = json.path("consumeTransformProduce");
		assertThat(ctp.path("warm").path("ordersPerSecond").asDouble()).isCloseTo(2352.9, within(0.1));
		assertThat(ctp.path("warm").path("recordsPerTransaction").asDouble()).isCloseTo(190.5, within(0.1));
		assertThat(ctp.path("perRecord").path("maxRecordsPerTransaction").asInt()).isEqualTo(1);
		assertThat(ctp.path("offsetsCommitted").asBoolean()).isTrue();
		JsonNode keepUp = json.path("keepUp");
		assertThat(keepUp.path("highestRate").asDouble()).isEqualTo(1000);
		assertThat(keepUp.path("missedAt").asDouble()).isEqualTo(1500);
		assertThat(keepUp.path("physicalBound").asDouble()).isEqualTo(2500);
		assertThat(keepUp.path("shareOfRawCeiling").asDouble()).isCloseTo(0.425, within(0.001));
		JsonNode missed = json.path("pipeline").get(2);
		assertThat(missed.path("phase").asString()).isEqualTo("keep-up");
		assertThat(missed.path("everyGroupKeptUp").asBoolean()).isFalse();
		assertThat(missed.path("groups").path("fraud-service").path("keptUp").asBoolean()).isFalse();
		assertThat(missed.path("groups").path("fraud-service").path("lagSamples")).hasSize(4);
		assertThat(missed.path("groups").path("billing-service").path("keptUp").asBoolean()).isTrue();
		assertThat(missed.path("cpuCores").path("kafka-node-1").asDouble()).isEqualTo(0.4);
		assertThat(missed.path("machineCores").path("stolen by the host").asDouble()).isEqualTo(0.4);
		assertThat(json.path("perRecord").get(0).path("groups").path("fraud-service").path("keptUp").asBoolean())
			.isFalse();
	}

	@Test
	void chartIsWellFormedSvgWithALinePerSeries() throws Exception {
		String svg = BenchReport.chart(results());

		Document document = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

		assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
		// HTTP p50 and p99, billing-service p99, fraud-service p99, raw EndToEndLatency
		// p99, and billing-service per record (fraud per record has no output to draw).
		assertThat(document.getElementsByTagName("polyline").getLength()).isEqualTo(6);
		assertThat(svg).contains("fraud-service p99")
			.contains("raw EndToEndLatency p99")
			.contains("billing-service p99, tx per record");
	}

	@Test
	void theChartDrawsTheSecondModeDashedInTheColourOfTheFirst() {
		String svg = LatencyChart.svg("modes",
				List.of(new LatencyChart.Series("batched",
						List.of(new LatencyChart.Point(25, 10), new LatencyChart.Point(100, 20))),
						new LatencyChart.Series("per record",
								List.of(new LatencyChart.Point(25, 900), new LatencyChart.Point(100, 9000)), 0, true)),
				0);

		assertThat(svg).containsPattern("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=")
			.containsPattern(
					"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" stroke-dasharray=\"5 3\" points=");
	}

	@Test
	void chartEscapesTextAndLeavesOutWhatALogAxisCannotShow() throws Exception {
		String svg = LatencyChart.svg("a <b> & \"c\"",
				List.of(new LatencyChart.Series("x & y", List.of(new LatencyChart.Point(25, 0),
						new LatencyChart.Point(50, 3), new LatencyChart.Point(100, Double.NaN)))),
				100);

		Document document = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

		assertThat(document.getElementsByTagName("circle").getLength()).isEqualTo(1);
		assertThat(svg).contains("a &lt;b&gt; &amp; &quot;c&quot;").doesNotContain("NaN");
	}

	@Test
	void tableShowsRatiosAndWhichTargetsWereMissed() {
		String table = BenchReport.table(results());

		assertThat(table).contains("ingest: highest sustainable rate")
			.contains("MISSED >= 25.0% of keyed")
			.contains("MISSED <= 30.0 s")
			.contains("pipeline 25/s: fraud-service p50/p99")
			.containsPattern("ingest: highest sustainable rate\\s+25/s")
			.containsPattern("ingest: highest rate taken without errors \\(any p99\\)\\s+50/s")
			.contains("raw: keyed, one transaction per record, 4 producers")
			.contains("raw: keyed, one transaction per record with offsets, client defaults, 4 producers")
			.contains("raw: keyed, one transaction per record with offsets, orderflow's settings, 4 producers")
			.containsPattern("orders-service: kill -9 to ready, 100,000 orders in its book\\s+9.4 s\\s+RSS 410 MB");
		assertThat(BenchReport.ratio(25, 100)).isEqualTo("25.0%");
		assertThat(BenchReport.ratio(60, 7)).isEqualTo("8.6x");
		assertThat(BenchReport.ratio(1, 0)).isEqualTo("-");
	}

	@Test
	void tableHasTheIssuesFiguresEachBesideItsBaselineAndTarget() {
		String table = BenchReport.table(results());

		assertThat(table)
			.containsPattern("raw: consume-transform-produce, 5 groups, warm\\s+2353 orders/s\\s+physical bound 2500"
					+ " orders/s\\s+94.1%")
			.containsPattern("raw: consume-transform-produce, 5 groups, one transaction per record\\s+10 orders/s"
					+ "\\s+warm 2353 orders/s\\s+0.4%")
			.containsPattern("keep-up 1000/s: fraud-service p50/p99\\s+300/900 ms\\s+e2e p99 7 ms\\s+128.6x\\s+"
					+ "MISSED <= 5x, kept up")
			.containsPattern("keep-up 1000/s for 6 s\\s+every group kept up.*met every group \\(must\\)")
			.containsPattern("keep-up 1500/s for 6 s\\s+fraud-service MISSED \\(max lag 15000 > 7500, not drained\\)"
					+ ".*MISSED every group")
			.containsPattern("keep-up: highest rate every group keeps up with\\s+1000/s\\s+physical bound 2500"
					+ " orders/s\\s+40.0%\\s+met >= 1000/s; aim MISSED >= 2000/s")
			.containsPattern("the same against the raw consume-transform-produce ceiling\\s+1000/s\\s+warm 2353"
					+ " orders/s\\s+42.5%")
			.containsPattern("stack: RSS after the 1000/s step\\s+660 MB.*met <= 4096 MB")
			.containsPattern("ingest: highest rate, no errors and HTTP p99 <= 100 ms, any step\\s+1500/s")
			.containsPattern("CPU while 1000/s were offered \\(keep-up\\), every process\\s+0.70 cores\\s+2 cores");
	}

	@Test
	void theOrdersApiAloneStandsBesideEveryServiceWithoutTracingAtTheSameRate() {
		BenchResults results = results();
		JsonNode alone = JsonMapper.builder().build().readTree(results.toJson()).path("apiAlone");

		assertThat(alone.path("phase").asString()).isEqualTo("api-alone");
		assertThat(alone.path("acknowledgedPerSecond").asDouble()).isEqualTo(700);
		assertThat(alone.path("groups").isEmpty()).isTrue();
		assertThat(alone.path("everyGroupKeptUp").asBoolean()).isFalse();
		assertThat(BenchReport.table(results))
			.containsPattern("keep-up: the orders API alone, 1000/s offered for 6 s\\s+took 700/s\\s+every service"
					+ " 480/s\\s+70.0% of offered\\s+no consumer service, tracing off; 1800 requests not answered 201")
			.containsPattern("CPU while 1000/s were offered \\(api-alone\\), every process\\s+0.70 cores\\s+2 cores");
	}

	@Test
	void perRecordAndBatchedStandSideBySideGroupByGroup() {
		String table = BenchReport.table(results());

		assertThat(table).contains("Per record against batched")
			.containsPattern("25/s, 6 s\\s+billing-service\\s+8/40 ms\\s+kept up\\s+900/2100 ms\\s+kept up\\s+52.5x")
			.containsPattern("25/s, 6 s\\s+fraud-service\\s+20/60 ms\\s+kept up\\s+no output of 150\\s+"
					+ "MISSED \\(no output, max lag 390 > 125, not drained\\)\\s+-")
			.containsPattern("25/s, 6 s\\s+every group\\s+pipeline step, 6 s\\s+kept up\\s+MISSED")
			.containsPattern(
					"100/s, 6 s\\s+billing-service\\s+not run\\s+4000/9000 ms\\s+MISSED \\(max lag 700 > 500, not"
							+ " drained\\)");
	}

	@Test
	void tracingOnAndOffStandSideBySideAtTheSameRate() {
		String table = BenchReport.table(results());

		assertThat(table).contains("Tracing on against off")
			.containsPattern("25/s, 6 s\\s+API: 201s per second\\s+25/s\\s+25/s\\s+1.0x")
			.containsPattern("25/s, 6 s\\s+HTTP p50/p99\\s+8/40 ms\\s+5/28 ms\\s+1.4x")
			.containsPattern("25/s, 6 s\\s+billing-service p50/p99\\s+8/40 ms\\s+6/20 ms\\s+2.0x")
			.containsPattern("25/s, 6 s\\s+every group\\s+kept up\\s+kept up");
	}

	@Test
	void aGroupWithNoOutputInAStepMissesItsTargetInsteadOfShowingZeroLatency() {
		BenchResults results = results();
		Map<String, BenchResults.GroupFigures> nothing = Map.of("fraud-service", new BenchResults.GroupFigures(
				"fraud-decisions", 0, 250, Percentiles.of(), 0, 0.5, true, List.of(0L, 0L)));
		BenchResults.Step overloaded = new BenchResults.Step("keep-up", 1000, 10, 10_000, 9_000, 1_000, 900,
				results.pipeline().get(0).httpMs(), nothing, false, "1000 requests not answered 201", Map.of(), null,
				null);
		BenchResults withOverload = new BenchResults(results.startedAt(), true, results.machine(), results.stack(),
				results.producerPerformance(), results.endToEndLatency(), results.keyedIdempotent(),
				results.keyedTransactional(), results.consumerShapeDefaults(), results.consumerShape(),
				results.consumeTransformProduce(), results.ingest(), results.highestSustainableRate(),
				List.of(overloaded), results.keepUp(), List.of(), List.of(), null, results.ordersRestart());

		assertThat(nothing.get("fraud-service").keptUp()).isFalse();
		assertThat(BenchReport.table(withOverload))
			.containsPattern("keep-up 1000/s: fraud-service p50/p99\\s+no output of 250 orders.*MISSED <= 5x,"
					+ " MISSED \\(no output\\)")
			.containsPattern("keep-up 1000/s for 10 s\\s+the API took 900/s, 1000 errors; fraud-service MISSED"
					+ " \\(no output\\)")
			.doesNotContain("met <= 5x")
			.doesNotContain("Per record against batched");
	}

	@Test
	void aGroupKeepsUpOnlyWithItsLagSampledBoundedAndDrained() {
		assertThat(LoadSteps.lagBounded(List.of(0L, 900L, 4_000L, 1_200L), 2.5, 1000)).isTrue();
		assertThat(LoadSteps.lagBounded(List.of(0L, 900L, 5_001L, 1_200L), 2.5, 1000))
			.as("more than 5 s of orders behind at some sample")
			.isFalse();
		assertThat(LoadSteps.lagBounded(List.of(0L, 900L, 1_200L), -1, 1000)).as("not drained after the step")
			.isFalse();
		assertThat(LoadSteps.lagBounded(List.of(), 0.1, 1000)).as("never sampled: no evidence").isFalse();
		assertThat(LoadSteps.lagBounded(List.of(6L, 6L), 0, 0.5)).as("the transaction markers are not lag").isTrue();
	}

	@Test
	void aStepCountsAsKeptUpOnlyWhenTheApiTookTheRateAndEveryGroupKeptUp() {
		BenchResults.Step kept = keepUp(1000, true);
		BenchResults.Step missed = keepUp(1000, false);
		BenchResults.Step refused = new BenchResults.Step("keep-up", 1000, 60, 60_000, 30_000, 30_000, 500,
				kept.httpMs(), kept.groups(), false, "30000 requests not answered 201", Map.of(), null, null);
		BenchResults.Step noGroups = new BenchResults.Step("keep-up", 1000, 60, 60_000, 60_000, 0, 1000, kept.httpMs(),
				Map.of(), true, "ok", Map.of(), null, null);

		assertThat(kept.everyGroupKeptUp()).isTrue();
		assertThat(missed.everyGroupKeptUp()).isFalse();
		assertThat(refused.everyGroupKeptUp()).as("the groups kept up with half the offered rate").isFalse();
		assertThat(noGroups.everyGroupKeptUp()).as("no group measured").isFalse();
	}

	@Test
	void aStepWhoseComparisonFellBehindIsNotKeptUpAndTheTableSaysWhy() {
		BenchResults.Step kept = keepUp(1000, true);
		// 1,000 orders/s are 2,000 invoices/s: 5 s of them is 10,000.
		BenchResults.LagFigures behind = new BenchResults.LagFigures("billing-comparison", 12_000, -1, false,
				List.of(0L, 6_000L, 12_000L));
		BenchResults.LagFigures caughtUp = new BenchResults.LagFigures("billing-comparison", 9_000, 1.5, true,
				List.of(0L, 9_000L, 3_000L));
		BenchResults.Step comparisonBehind = new BenchResults.Step("keep-up", 1000, 60, 60_000, 60_000, 0, 1000,
				kept.httpMs(), kept.groups(), true, "ok", Map.of(), behind, null);
		BenchResults.Step comparisonKept = new BenchResults.Step("keep-up", 1000, 60, 60_000, 60_000, 0, 1000,
				kept.httpMs(), kept.groups(), true, "ok", Map.of(), caughtUp, null);
		BenchResults results = results();
		BenchResults withComparison = new BenchResults(results.startedAt(), true, results.machine(), results.stack(),
				results.producerPerformance(), results.endToEndLatency(), results.keyedIdempotent(),
				results.keyedTransactional(), results.consumerShapeDefaults(), results.consumerShape(),
				results.consumeTransformProduce(), results.ingest(), results.highestSustainableRate(),
				List.of(comparisonBehind), results.keepUp(), List.of(), List.of(), null, results.ordersRestart());

		assertThat(kept.everyGroupKeptUp()).isTrue();
		assertThat(comparisonKept.everyGroupKeptUp()).isTrue();
		assertThat(comparisonBehind.everyGroupKeptUp()).as("every group on orders kept up, the comparison did not")
			.isFalse();
		assertThat(BenchReport.table(withComparison))
			.containsPattern("keep-up 1000/s: billing-comparison lag\\s+max 12000 invoices, not drained.*MISSED"
					+ " \\(max lag 12000 > 10000, not drained\\)")
			.containsPattern("keep-up 1000/s for 60 s\\s+billing-comparison MISSED");
	}

	@Test
	void theKeepUpRateIsTheLastStepBeforeTheFirstMissOrElseTheHighestLowerStep() {
		BenchResults.RawLoop keyed = BenchResults.RawLoop.of("keyed", 520, 1, 24_000, 1, Percentiles.NONE);
		BenchResults.TransactionPass warm = new BenchResults.TransactionPass("warm", 500, 2_000, 1, 2_000, true, 20, 0,
				Map.of(), Percentiles.NONE);
		BenchResults.Step ingestKept = keepUp(400, true);
		BenchResults.Step ingestMissed = keepUp(800, false);

		BenchResults.KeepUp ladder = BenchResults.KeepUp.of(List.of(ingestKept),
				List.of(keepUp(1000, true), keepUp(1500, true), keepUp(2000, false), keepUp(3000, true)), keyed, warm);
		assertThat(ladder.highestRate()).isEqualTo(1500);
		assertThat(ladder.fromPhase()).isEqualTo("keep-up");
		assertThat(ladder.missedAt()).isEqualTo(2000);
		assertThat(ladder.physicalBound()).isEqualTo(4_000);
		assertThat(ladder.shareOfPhysicalBound()).isEqualTo(0.375);
		assertThat(ladder.shareOfRawCeiling()).isEqualTo(0.75);

		BenchResults.KeepUp fallBack = BenchResults.KeepUp.of(List.of(ingestKept, ingestMissed),
				List.of(keepUp(1000, false)), keyed, warm);
		assertThat(fallBack.highestRate()).isEqualTo(400);
		assertThat(fallBack.missedAt()).isEqualTo(1000);

		BenchResults.KeepUp none = BenchResults.KeepUp.of(List.of(ingestMissed), List.of(keepUp(1000, false)), keyed,
				warm);
		assertThat(none.highestRate()).isZero();
		assertThat(none.shareOfRawCeiling()).isZero();
	}

	@Test
	void aStepsCpuIsEachProcesssCpuTimeOverTheWallTime() {
		Map<String, Double> cores = LoadSteps.cpuCores(
				Map.of("kafka-node-1", Duration.ofSeconds(10), "orders-service", Duration.ofSeconds(4)),
				Map.of("kafka-node-1", Duration.ofSeconds(34), "orders-service", Duration.ofSeconds(16),
						"started-meanwhile", Duration.ofSeconds(3)),
				60);

		assertThat(cores).containsOnly(entry("kafka-node-1", 0.4), entry("orders-service", 0.2));
	}

	@Test
	void aLagTrailShowsEveryFifthSampleAndTheLast() {
		List<Long> samples = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);

		assertThat(LoadSteps.lagTrail(samples, 5)).isEqualTo("0 5 10 11");
		assertThat(LoadSteps.lagTrail(List.of(), 5)).isEmpty();
	}

	private static BenchResults results() {
		return results(List.of(keepUp(1000, true), keepUp(1500, false)));
	}

	private static BenchResults results(List<BenchResults.Step> keepUpSteps) {
		Map<String, Long> rss = new LinkedHashMap<>();
		rss.put("kafka-node-1", 360L);
		rss.put("orders-service", 300L);
		BenchResults.StackFigures stack = BenchResults.StackFigures.of(9.5, 32.0, 41.5, rss, rss, 200);
		Percentiles fast = new Percentiles(150, 8, 40, 55, 60);
		Percentiles slow = new Percentiles(600, 30, 140, 300, 400);
		Map<String, BenchResults.GroupFigures> groups = new LinkedHashMap<>();
		groups.put("billing-service", group("invoices", 150, fast, List.of(0L, 12L, 3L), 0.3, 25));
		groups.put("fraud-service",
				group("fraud-decisions", 150, new Percentiles(150, 20, 60, 70, 80), List.of(0L, 40L, 10L), 1.2, 25));
		BenchResults.Step ok = step("ingest", 25, 25, fast, groups, true, "ok");
		BenchResults.Step tooSlow = step("ingest", 50, 50, slow, groups, false, "p99 140 ms > 100 ms");
		BenchResults.Step pipeline = step("pipeline", 25, 25, fast, groups, true, "ok");
		Map<String, BenchResults.GroupFigures> perRecordGroups = new LinkedHashMap<>();
		perRecordGroups.put("billing-service",
				group("invoices", 150, new Percentiles(150, 900, 2100, 2200, 2300), List.of(0L, 40L, 60L), 4.0, 25));
		perRecordGroups.put("fraud-service",
				group("fraud-decisions", 0, Percentiles.NONE, List.of(0L, 200L, 390L), -1, 25));
		BenchResults.Step perRecord = step("per-record", 25, 25, fast, perRecordGroups, true, "ok");
		Map<String, BenchResults.GroupFigures> behind = new LinkedHashMap<>();
		behind.put("billing-service", group("invoices", 400, new Percentiles(400, 4000, 9000, 9500, 9600),
				List.of(0L, 300L, 500L, 700L), -1, 100));
		BenchResults.Step perRecordBehind = step("per-record", 100, 100, fast, behind, true, "ok");
		Map<String, BenchResults.GroupFigures> untracedGroups = new LinkedHashMap<>();
		untracedGroups.put("billing-service",
				group("invoices", 150, new Percentiles(150, 6, 20, 25, 30), List.of(0L, 10L, 2L), 0.2, 25));
		BenchResults.Step untraced = step("tracing-off", 25, 25, new Percentiles(150, 5, 28, 30, 35), untracedGroups,
				true, "ok");
		BenchResults.Step untracedPeak = step("tracing-off", 1000, 480, slow, untracedGroups, false,
				"3120 requests not answered 201");
		BenchResults.Step apiAlone = step("api-alone", 1000, 700, slow, Map.of(), false,
				"1800 requests not answered 201");
		BenchResults.RawLoop keyed = BenchResults.RawLoop.of("keyed idempotent acks=all", 520, 1, 30_000, 2,
				Percentiles.of(5, 10, 20));
		BenchResults.ConsumeTransformProduce ctp = new BenchResults.ConsumeTransformProduce(5, 6, 300, 20_000,
				pass("cold", 500, 20_000, 25.7, 250), pass("warm", 500, 20_000, 8.5, 210),
				pass("one transaction per record", 1, 200, 20, 1000), true);
		List<BenchResults.Step> pipelineSteps = new ArrayList<>();
		pipelineSteps.add(pipeline);
		pipelineSteps.addAll(keepUpSteps);
		return new BenchResults("2026-11-24T23:20:00Z", true, Map.of("processors", "2"), stack,
				new ToolOutput.ProducerPerformance(500_000, 41365.8, 19.72, 709.73, 1752, 654, 1376, 1653, 1733),
				new ToolOutput.EndToEndLatency(1.72, 1, 7, 15), keyed,
				BenchResults.RawLoop.of("keyed, one transaction per record", 520, 4, 2_500, 5,
						Percentiles.of(7, 8, 30)),
				BenchResults.RawLoop.of("keyed, one transaction per record with offsets, client defaults", 520, 4, 250,
						5, Percentiles.of(70, 80, 300)),
				BenchResults.RawLoop.of("keyed, one transaction per record with offsets, orderflow's settings", 520, 4,
						1_000, 5, Percentiles.of(15, 20, 40)),
				ctp, List.of(ok, tooSlow), 25, pipelineSteps,
				BenchResults.KeepUp.of(List.of(pipeline, ok, tooSlow), keepUpSteps, keyed, ctp.warm()),
				List.of(perRecord, perRecordBehind), List.of(untraced, untracedPeak), apiAlone,
				new BenchResults.OrdersRestart(100_000, 9.4, 410));
	}

	/** A keep-up step in which every group kept up, or fraud fell further behind. */
	private static BenchResults.Step keepUp(double rate, boolean kept) {
		Percentiles latency = new Percentiles(1000, 300, 900, 1000, 1100);
		Map<String, BenchResults.GroupFigures> groups = new LinkedHashMap<>();
		groups.put("billing-service", group("invoices", 1000, latency, List.of(0L, 400L, 350L), 0.5, rate));
		groups.put("fraud-service", kept ? group("fraud-decisions", 1000, latency, List.of(0L, 800L, 500L), 0.8, rate)
				: group("fraud-decisions", 900, latency, List.of(0L, 3000L, 9000L, 15000L), -1, rate));
		return step("keep-up", rate, rate, latency, groups, true, "ok");
	}

	private static BenchResults.GroupFigures group(String topic, int matched, Percentiles latency, List<Long> lag,
			double drained, double rate) {
		long max = lag.stream().mapToLong(Long::longValue).max().orElse(0);
		return new BenchResults.GroupFigures(topic, matched, (matched == 0) ? 150 : 0, latency, max, drained,
				LoadSteps.lagBounded(lag, drained, rate), lag);
	}

	private static BenchResults.Step step(String phase, double rate, double acknowledgedPerSecond, Percentiles http,
			Map<String, BenchResults.GroupFigures> groups, boolean sustainable, String verdict) {
		int sent = (int) (rate * 6);
		return new BenchResults.Step(phase, rate, 6, sent, (int) (acknowledgedPerSecond * 6), 0, acknowledgedPerSecond,
				http, groups, sustainable, verdict, Map.of("kafka-node-1", 0.4, "orders-service", 0.3), null,
				Map.of("busy", 1.5, "idle", 0.1, "stolen by the host", 0.4));
	}

	private static BenchResults.TransactionPass pass(String name, int perTransaction, long orders, double seconds,
			long transactions) {
		Map<String, Long> records = new LinkedHashMap<>();
		records.put("billing-service", orders);
		records.put("fraud-service", orders + 10);
		return new BenchResults.TransactionPass(name, perTransaction, orders, seconds, orders / seconds, true,
				transactions, 0, records, Percentiles.of(10, 20, 40));
	}

}
