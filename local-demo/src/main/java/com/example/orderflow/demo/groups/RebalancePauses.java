package com.example.orderflow.demo.groups;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a rebalance cost, read from the outputs the members committed (never assumed from
 * the protocol): how soon a dead member's partitions were handled again by another, and
 * how long records waited for their outputs on the partitions that kept their owner,
 * beside the same in a quiet window before. A member that stops, even for a moment, shows
 * as records that waited that long: unlike gaps between outputs, this does not depend on
 * how evenly the orders came.
 */
public final class RebalancePauses {

	private RebalancePauses() {
	}

	/**
	 * One committed output: the input partition it answers, who made it, when its input
	 * became readable and when the output was made (epoch ms).
	 */
	public record Output(int partition, String member, long readableAt, long timestamp) {

		long waited() {
			return this.timestamp - this.readableAt;
		}

	}

	/**
	 * Milliseconds from {@code from} until every one of the partitions had an output by a
	 * member other than the one that held it; empty if one never had.
	 * @param held each partition and the member that held it before
	 */
	public static OptionalLong takenOverAfter(Collection<Output> outputs, Map<Integer, String> held, long from) {
		long latest = from;
		for (Map.Entry<Integer, String> partition : held.entrySet()) {
			OptionalLong first = outputs.stream()
				.filter((output) -> output.partition() == partition.getKey() && output.timestamp() >= from
						&& !output.member().equals(partition.getValue()))
				.mapToLong(Output::timestamp)
				.min();
			if (first.isEmpty()) {
				return OptionalLong.empty();
			}
			latest = Math.max(latest, first.getAsLong());
		}
		return OptionalLong.of(latest - from);
	}

	/**
	 * The longest a record of these partitions that became readable in {@code [from, to]}
	 * waited for its output; empty if there was none.
	 */
	public static OptionalLong longestWait(Collection<Output> outputs, Set<Integer> partitions, long from, long to) {
		return outputs.stream()
			.filter((output) -> partitions.contains(output.partition()) && output.readableAt() >= from
					&& output.readableAt() <= to)
			.mapToLong(Output::waited)
			.max();
	}

	/** The partitions that have the same owner in both assignments (by member name). */
	public static Set<Integer> keptTheirOwner(Map<Integer, String> before, Map<Integer, String> after) {
		return before.entrySet()
			.stream()
			.filter((owned) -> owned.getValue().equals(after.get(owned.getKey())))
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
	}

}
