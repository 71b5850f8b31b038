package com.example.orderflow.cluster.bench;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class BenchResultsWritingTests {

	@Test
	void jsonHasEveryFigureAndReadsBack() {
		JsonNode json = JsonMapper.builder().build().readTree(results().toJson());

		assertThat(json.path("quick").asBoolean()).isTrue();
		assertThat(json.path("stack").path("readySeconds").asDouble()).isEqualTo(41.5);
		assertThat(json.path("stack").path("rssIdleMb").path("kafka-node-1").asLong()).isEqualTo(360);
		assertThat(json.path("producerPerformance").path("recordsPerSecond").asDouble()).isEqualTo(41365.8);
		assertThat(json.path("endToEndLatency").path("p99").asInt()).isEqualTo(7);
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
	void chartIsWellFormedSvgWithALinePerSeries() throws Exception {
		String svg = BenchReport.chart(results());

		Document document = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));

		assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
		// HTTP p50 and p99, billing-service p99, fraud-service p99, raw EndToEndLatency
		// p99.
		assertThat(document.getElementsByTagName("polyline").getLength()).isEqualTo(5);
		assertThat(svg).contains("fraud-service p99").contains("raw EndToEndLatency p99");
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
			.contains("raw: keyed, one transaction per record with offsets, orderflow's settings, 4 producers");
		assertThat(BenchReport.ratio(25, 100)).isEqualTo("25.0%");
		assertThat(BenchReport.ratio(60, 7)).isEqualTo("8.6x");
		assertThat(BenchReport.ratio(1, 0)).isEqualTo("-");
	}

	@Test
	void aGroupWithNoOutputInAStepMissesItsTargetInsteadOfShowingZeroLatency() {
		BenchResults results = results();
		Map<String, BenchResults.GroupFigures> nothing = Map.of("fraud-service",
				new BenchResults.GroupFigures("fraud-decisions", 0, 250, Percentiles.of(), 9000, -1, false));
		BenchResults.Step overloaded = new BenchResults.Step("pipeline", 1000, 10, 10_000, 9_000, 1_000, 900,
				results.pipeline().get(0).httpMs(), nothing, false, "1000 requests not answered 201");
		BenchResults withOverload = new BenchResults(results.startedAt(), true, results.machine(), results.stack(),
				results.producerPerformance(), results.endToEndLatency(), results.keyedIdempotent(),
				results.keyedTransactional(), results.consumerShapeDefaults(), results.consumerShape(),
				results.ingest(), results.highestSustainableRate(), List.of(overloaded));

		assertThat(BenchReport.table(withOverload))
			.containsPattern("pipeline 1000/s: fraud-service p50/p99\\s+no output of 250 orders.*MISSED <= 5x")
			.doesNotContain("met <= 5x");
	}

	private static BenchResults results() {
		Map<String, Long> rss = new LinkedHashMap<>();
		rss.put("kafka-node-1", 360L);
		rss.put("orders-service", 300L);
		BenchResults.StackFigures stack = BenchResults.StackFigures.of(9.5, 32.0, 41.5, rss, rss, 200);
		Percentiles fast = new Percentiles(150, 8, 40, 55, 60);
		Percentiles slow = new Percentiles(600, 30, 140, 300, 400);
		Map<String, BenchResults.GroupFigures> groups = new LinkedHashMap<>();
		groups.put("billing-service", new BenchResults.GroupFigures("invoices", 150, 0, fast, 12, 0.3, true));
		groups.put("fraud-service", new BenchResults.GroupFigures("fraud-decisions", 150, 0,
				new Percentiles(150, 20, 60, 70, 80), 40, 1.2, true));
		BenchResults.Step ok = new BenchResults.Step("ingest", 25, 6, 150, 150, 0, 25, fast, groups, true, "ok");
		BenchResults.Step tooSlow = new BenchResults.Step("ingest", 50, 6, 300, 300, 0, 50, slow, groups, false,
				"p99 140 ms > 100 ms");
		BenchResults.Step pipeline = new BenchResults.Step("pipeline", 25, 10, 250, 250, 0, 25, fast, groups, true,
				"ok");
		return new BenchResults("2026-11-24T23:20:00Z", true, Map.of("processors", "2"), stack,
				new ToolOutput.ProducerPerformance(500_000, 41365.8, 19.72, 709.73, 1752, 654, 1376, 1653, 1733),
				new ToolOutput.EndToEndLatency(1.72, 1, 7, 15),
				BenchResults.RawLoop.of("keyed idempotent acks=all", 520, 1, 30_000, 2, Percentiles.of(5, 10, 20)),
				BenchResults.RawLoop.of("keyed, one transaction per record", 520, 4, 2_500, 5,
						Percentiles.of(7, 8, 30)),
				BenchResults.RawLoop.of("keyed, one transaction per record with offsets, client defaults", 520, 4, 250,
						5, Percentiles.of(70, 80, 300)),
				BenchResults.RawLoop.of("keyed, one transaction per record with offsets, orderflow's settings", 520, 4,
						1_000, 5, Percentiles.of(15, 20, 40)),
				List.of(ok, tooSlow), 25, List.of(pipeline));
	}

}
