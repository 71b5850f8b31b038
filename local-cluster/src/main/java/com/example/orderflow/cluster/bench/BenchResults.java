package com.example.orderflow.cluster.bench;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything one bench run measured, as written to {@code bench-<timestamp>.json}.
 *
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param quick whether each step was the short version
 * @param machine processors and JVM of the machine
 * @param stack start time and memory
 * @param producerPerformance Kafka's ProducerPerformance: acks=all, 500 B, unkeyed
 * @param endToEndLatency Kafka's EndToEndLatency: acks=all, 500 B, one at a time
 * @param keyedIdempotent a keyed acks=all idempotent producer with OrderCreated's records
 * @param keyedTransactional one transaction per record, like the orders API, with the
 * producer settings orderflow's services use
 * @param consumerShapeDefaults one transaction per record with a consumer offset in it,
 * as every consumer service does, with the client's default settings
 * @param consumerShape the same with orderflow's producer settings
 * @param ingest the open-loop HTTP steps at rising rates
 * @param highestSustainableRate the highest step with p99 under the limit and no errors
 * @param pipeline the steps at fixed rates for the pipeline's latency per group
 */
public record BenchResults(String startedAt, boolean quick, Map<String, String> machine, StackFigures stack,
		ToolOutput.ProducerPerformance producerPerformance, ToolOutput.EndToEndLatency endToEndLatency,
		RawLoop keyedIdempotent, RawLoop keyedTransactional, RawLoop consumerShapeDefaults, RawLoop consumerShape,
		List<Step> ingest, double highestSustainableRate, List<Step> pipeline) {

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	/** Pretty-printed JSON. */
	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	/**
	 * From launch to ready, and resident memory per process.
	 *
	 * @param clusterSeconds format and start of the three nodes, topics created
	 * @param servicesSeconds every service ready after the cluster
	 * @param readySeconds both together: what {@code ./demo up} takes
	 * @param rssIdleMb per process once ready
	 * @param rssLoadedMb per process after the load steps
	 * @param totalIdleMb the sum once ready
	 * @param totalLoadedMb the sum after the load steps
	 * @param launcherRssMb this JVM, which holds the load generator (not in the totals)
	 */
	public record StackFigures(double clusterSeconds, double servicesSeconds, double readySeconds,
			Map<String, Long> rssIdleMb, Map<String, Long> rssLoadedMb, long totalIdleMb, long totalLoadedMb,
			long launcherRssMb) {

		static StackFigures of(double clusterSeconds, double servicesSeconds, double readySeconds,
				Map<String, Long> rssIdleMb, Map<String, Long> rssLoadedMb, long launcherRssMb) {
			return new StackFigures(clusterSeconds, servicesSeconds, readySeconds, rssIdleMb, rssLoadedMb,
					sum(rssIdleMb), sum(rssLoadedMb), launcherRssMb);
		}

		private static long sum(Map<String, Long> rss) {
			return rss.values().stream().mapToLong(Long::longValue).sum();
		}

	}

	/**
	 * A producer loop of this JVM.
	 *
	 * @param name what it does
	 * @param recordBytes the size of each value (a real OrderCreated's)
	 * @param threads producers, one per thread
	 * @param records records acknowledged
	 * @param seconds how long it ran
	 * @param recordsPerSecond records over seconds
	 * @param latencyMs per record: send to acknowledgement, or begin to commit
	 */
	public record RawLoop(String name, int recordBytes, int threads, long records, double seconds,
			double recordsPerSecond, Percentiles latencyMs) {

		static RawLoop of(String name, int recordBytes, int threads, long records, double seconds,
				Percentiles latencyMs) {
			return new RawLoop(name, recordBytes, threads, records, seconds, (seconds > 0) ? records / seconds : 0,
					latencyMs);
		}

	}

	/**
	 * One load step.
	 *
	 * @param phase ingest or pipeline
	 * @param targetRate orders per second offered
	 * @param seconds how long orders were offered
	 * @param sent requests sent
	 * @param acknowledged answered 201
	 * @param errors anything else, or no answer
	 * @param acknowledgedPerSecond 201s per second of load
	 * @param httpMs request to answer, for every request
	 * @param groups per consumer group: acceptance (the 201) to output record
	 * @param verdict why the step counts as sustainable or not
	 */
	public record Step(String phase, double targetRate, double seconds, int sent, int acknowledged, int errors,
			double acknowledgedPerSecond, Percentiles httpMs, Map<String, GroupFigures> groups, boolean sustainable,
			String verdict) {

		/** Every request answered 201, and at least 90% of the offered rate. */
		public boolean takenWithoutErrors() {
			return this.errors == 0 && this.acknowledgedPerSecond >= 0.9 * this.targetRate;
		}

	}

	/**
	 * One group's figures in a step.
	 *
	 * @param outputTopic where it answers
	 * @param matched acknowledged orders with their output found
	 * @param missing acknowledged orders without one when the step ended
	 * @param latencyMs from the 201 to the output record's timestamp
	 * @param maxLag the largest lag on orders seen while the load ran
	 * @param drainSeconds after the load, until the lag was back to the transaction
	 * markers (-1: not within the wait)
	 * @param lagBounded never more than a few seconds of orders behind, and drained
	 */
	public record GroupFigures(String outputTopic, int matched, int missing, Percentiles latencyMs, long maxLag,
			double drainSeconds, boolean lagBounded) {
	}

}
