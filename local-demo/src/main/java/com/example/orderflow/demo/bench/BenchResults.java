package com.example.orderflow.demo.bench;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 * @param consumeTransformProduce the consumer services' shape in plain Kafka clients: the
 * ceiling of one transaction per poll, and one transaction per record
 * @param ingest the open-loop HTTP steps at rising rates
 * @param highestSustainableRate the highest ingest step with p99 under the limit and no
 * errors
 * @param pipeline the steps at fixed rates with the batched services, in the order they
 * ran: the lowest rate on drained groups (phase {@code pipeline}), then the keep-up steps
 * at rising rates until the first that a group misses (phase {@code keep-up})
 * @param keepUp the highest offered rate at which every group kept up, against its bounds
 * measured in this run
 * @param perRecord the same steps again after the consumer services were restarted with
 * one transaction per record (phase {@code per-record})
 * @param tracingOff the lowest rate and the pipeline's rate again after every service was
 * restarted without tracing (phase {@code tracing-off}); the rest of the run traces every
 * order into Zipkin
 * @param apiAlone the pipeline's rate offered once more with no consumer service running
 * and tracing still off (phase {@code api-alone}): what the orders API takes when the
 * machine runs nothing else of the system; null in results written before it was measured
 * @param ordersRestart orders-service killed and started again with 100,000 orders in its
 * state
 */
public record BenchResults(String startedAt, boolean quick, Map<String, String> machine, StackFigures stack,
		ToolOutput.ProducerPerformance producerPerformance, ToolOutput.EndToEndLatency endToEndLatency,
		RawLoop keyedIdempotent, RawLoop keyedTransactional, RawLoop consumerShapeDefaults, RawLoop consumerShape,
		ConsumeTransformProduce consumeTransformProduce, List<Step> ingest, double highestSustainableRate,
		List<Step> pipeline, KeepUp keepUp, List<Step> perRecord, List<Step> tracingOff, Step apiAlone,
		OrdersRestart ordersRestart) {

	/**
	 * Records every order costs the cluster: the order event and one output per group.
	 */
	public static final int RECORDS_PER_ORDER = 6;

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	/** Pretty-printed JSON. */
	public String toJson() {
		return JSON.writeValueAsString(this);
	}

	/**
	 * The steps at one offered rate whose phase is one of {@code phases}: those of the
	 * first phase named first, each phase's in run order.
	 */
	public List<Step> stepsAt(double rate, String... phases) {
		List<Step> all = Stream.of(this.ingest, this.pipeline, this.perRecord, this.tracingOff)
			.flatMap(List::stream)
			.toList();
		return Stream.of(phases)
			.flatMap((phase) -> all.stream().filter((step) -> step.targetRate() == rate && step.phase().equals(phase)))
			.toList();
	}

	/**
	 * orders-service started again after {@code kill -9}, with the orders it reads back
	 * from {@code orders} before it reports ready.
	 *
	 * @param orders the orders in its book once ready
	 * @param readySeconds from the kill until it answered ready
	 * @param rssMb its resident memory then
	 */
	public record OrdersRestart(long orders, double readySeconds, long rssMb) {
	}

	/**
	 * From launch to ready, and resident memory per process.
	 *
	 * @param clusterSeconds format and start of the three nodes, topics created
	 * @param servicesSeconds every service ready after the cluster
	 * @param readySeconds both together: what {@code ./demo up} takes
	 * @param rssIdleMb per process once ready
	 * @param rssLoadedMb per process after the batched services' step at 1,000 orders/s
	 * @param totalIdleMb the sum once ready
	 * @param totalLoadedMb the sum after that step
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
	 * The consumer services' shape in plain Kafka clients on the same cluster: one group
	 * per consumer group of the system, each reading the same orders-like topic (real
	 * OrderCreated values) and writing one output per record to its own topic, the
	 * outputs and the offsets in one transaction (read_committed, EOS v2).
	 *
	 * @param groups groups at once, each one consumer and one transactional producer
	 * @param partitions of the input topic
	 * @param outputBytes the size of each output value
	 * @param backlog records in each backlog of the cold and warm passes
	 * @param cold the first pass over a backlog, on fresh clients (joining the group and
	 * initialising transactions included), one transaction per poll
	 * @param warm a second backlog after the first, on the same clients
	 * @param perRecord one transaction per record, for a fixed time
	 * @param offsetsCommitted whether every group's committed offsets reached the input's
	 * end after the warm pass: the offsets went in with the transactions
	 */
	public record ConsumeTransformProduce(int groups, int partitions, int outputBytes, int backlog,
			TransactionPass cold, TransactionPass warm, TransactionPass perRecord, boolean offsetsCommitted) {
	}

	/**
	 * One pass of every group over the input.
	 *
	 * @param name what it measures
	 * @param maxRecordsPerTransaction a poll's records go in transactions of at most this
	 * many
	 * @param orders records that every group handled: the fewest of any group
	 * @param seconds until the last group was done, or the pass's time limit
	 * @param ordersPerSecond orders over seconds: handled by all groups, per second
	 * @param complete whether every group handled all it was given within the limit
	 * @param transactions committed, all groups together
	 * @param aborted transactions that failed and were rolled back (their records are
	 * handled again)
	 * @param recordsByGroup records each group handled
	 * @param transactionMs begin to commit, every transaction
	 */
	public record TransactionPass(String name, int maxRecordsPerTransaction, long orders, double seconds,
			double ordersPerSecond, boolean complete, long transactions, long aborted, Map<String, Long> recordsByGroup,
			Percentiles transactionMs) {

		/** Records per committed transaction, on average. */
		@JsonProperty("recordsPerTransaction")
		public double recordsPerTransaction() {
			long records = this.recordsByGroup.values().stream().mapToLong(Long::longValue).sum();
			return (this.transactions > 0) ? (double) records / this.transactions : 0;
		}

	}

	/**
	 * How fast the batched services keep up, against two bounds measured in the same run.
	 *
	 * @param highestRate the highest offered rate at which every group kept up: the last
	 * keep-up step before the first one missed, or, when the first keep-up step missed,
	 * the highest lower step (pipeline or ingest) every group kept up with; 0 if none
	 * @param fromPhase the phase of the step that rate comes from
	 * @param physicalBound the keyed idempotent producer's records per second over
	 * {@link #RECORDS_PER_ORDER}: orders per second the cluster could write at all
	 * @param rawCeiling the warm consume-transform-produce pass: orders per second for
	 * all groups in plain Kafka clients
	 * @param shareOfPhysicalBound highest rate over the physical bound
	 * @param shareOfRawCeiling highest rate over the raw ceiling
	 * @param missedAt the first keep-up rate a group missed, 0 if none did
	 */
	public record KeepUp(double highestRate, String fromPhase, double physicalBound, double rawCeiling,
			double shareOfPhysicalBound, double shareOfRawCeiling, double missedAt) {

		static KeepUp of(List<Step> earlier, List<Step> keepUpSteps, RawLoop keyed, TransactionPass warm) {
			double highest = 0;
			String from = "";
			double missedAt = 0;
			for (Step step : keepUpSteps) {
				if (!step.everyGroupKeptUp()) {
					missedAt = step.targetRate();
					break;
				}
				highest = step.targetRate();
				from = step.phase();
			}
			if (highest == 0) {
				double below = keepUpSteps.isEmpty() ? Double.MAX_VALUE : keepUpSteps.get(0).targetRate();
				for (Step step : earlier) {
					if (step.everyGroupKeptUp() && step.targetRate() < below && step.targetRate() > highest) {
						highest = step.targetRate();
						from = step.phase();
					}
				}
			}
			double bound = keyed.recordsPerSecond() / RECORDS_PER_ORDER;
			double ceiling = warm.ordersPerSecond();
			return new KeepUp(highest, from, bound, ceiling, (bound > 0) ? highest / bound : 0,
					(ceiling > 0) ? highest / ceiling : 0, missedAt);
		}

	}

	/**
	 * One load step.
	 *
	 * @param phase ingest, pipeline, keep-up or per-record
	 * @param targetRate orders per second offered
	 * @param seconds how long orders were offered
	 * @param sent requests sent
	 * @param acknowledged answered 201
	 * @param errors anything else, or no answer
	 * @param acknowledgedPerSecond 201s per second from the first request to the last 201
	 * (at least the step's time; before 2026-12-03 19:00 divided by the step's time only,
	 * which counted a backlog answered after the step as taken within it)
	 * @param httpMs request to answer, for every request
	 * @param groups per consumer group: the order event to the output record
	 * @param sustainable no errors, the rate sent, HTTP p99 within the limit
	 * @param verdict why the step counts as sustainable or not
	 * @param cpuCores per process, CPU time over the time the load ran: 1.0 is one core
	 * busy throughout
	 * @param comparison the billing comparison's lag, a group on both invoice topics;
	 * null in results written before it was measured
	 * @param machineCores the whole machine over the same time ({@link HostCpu}): cores
	 * busy, idle and taken by the host of the virtual machine; empty where there is no
	 * {@code /proc/stat}, null in results written before it was measured
	 */
	public record Step(String phase, double targetRate, double seconds, int sent, int acknowledged, int errors,
			double acknowledgedPerSecond, Percentiles httpMs, Map<String, GroupFigures> groups, boolean sustainable,
			String verdict, Map<String, Double> cpuCores, LagFigures comparison, Map<String, Double> machineCores) {

		/** Every request answered 201, and at least 90% of the offered rate. */
		public boolean takenWithoutErrors() {
			return this.errors == 0 && this.acknowledgedPerSecond >= 0.9 * this.targetRate;
		}

		/**
		 * The orders API took the offered rate and every group kept up with it: a group
		 * that keeps up with fewer orders than were offered does not count.
		 */
		@JsonProperty("everyGroupKeptUp")
		public boolean everyGroupKeptUp() {
			return takenWithoutErrors() && !this.groups.isEmpty()
					&& this.groups.values().stream().allMatch(GroupFigures::keptUp)
					&& (this.comparison == null || this.comparison.lagBounded());
		}

	}

	/**
	 * The figures of a group with no output per order to time: the billing comparison, on
	 * both invoice topics.
	 *
	 * @param group the consumer group
	 * @param maxLag the largest lag seen while the load ran, in records (two per order)
	 * @param drainSeconds after the load, until the lag was back to the transaction
	 * markers (-1: not within the wait)
	 * @param lagBounded sampled while the load ran, never more than a few seconds of
	 * records behind, and drained after it
	 * @param lagSamples its lag, once a second while the load ran
	 */
	public record LagFigures(String group, long maxLag, double drainSeconds, boolean lagBounded,
			List<Long> lagSamples) {

		public LagFigures {
			lagSamples = List.copyOf(lagSamples);
		}

	}

	/**
	 * One group's figures in a step.
	 *
	 * @param outputTopic where it answers
	 * @param matched acknowledged orders with their output found
	 * @param missing acknowledged orders without one when the step ended
	 * @param latencyMs from the OrderCreated record's timestamp (orders-service writes it
	 * just before the commit the 201 waits for) to the output record's: an overloaded API
	 * answers seconds after its commit, so the time the client read the 201 is no start
	 * @param maxLag the largest lag on orders seen while the load ran
	 * @param drainSeconds after the load, until the lag was back to the transaction
	 * markers (-1: not within the wait)
	 * @param lagBounded sampled while the load ran, never more than a few seconds of
	 * orders behind, and drained after it
	 * @param lagSamples the group's lag on orders, once a second while the load ran, the
	 * first at its start
	 */
	public record GroupFigures(String outputTopic, int matched, int missing, Percentiles latencyMs, long maxLag,
			double drainSeconds, boolean lagBounded, List<Long> lagSamples) {

		public GroupFigures {
			lagSamples = List.copyOf(lagSamples);
		}

		/**
		 * Kept up: lag bounded and drained, and at least one output: a group that wrote
		 * nothing has not kept up, whatever its lag says.
		 */
		@JsonProperty("keptUp")
		public boolean keptUp() {
			return this.lagBounded && this.matched > 0;
		}

	}

}
