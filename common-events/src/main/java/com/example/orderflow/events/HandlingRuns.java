package com.example.orderflow.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Who really handled each input, read from the committed outputs: every output record
 * names the instance that made it ({@code orderflow-instance}) and the input it answers
 * ({@code orderflow-input}, {@code topic-partition@offset}). Ordered by input offset, the
 * records of one input partition must fall into runs, one instance each, whose offset
 * ranges never overlap: a partition may move from one instance to another (a rebalance)
 * and later come back, but two instances handling it at the same time show as runs that
 * interleave. This checks what the members did, where the coordinator's view can never
 * show two owners.
 */
public final class HandlingRuns {

	/**
	 * On every output record: the instance ({@code orderflow.instance-id}) that made it.
	 * Written by kafka-support's {@code Provenance} and the demo's group members.
	 */
	public static final String INSTANCE = "orderflow-instance";

	/**
	 * On every output record: the input it answers, as
	 * {@code <topic>-<partition>@<offset>}.
	 */
	public static final String INPUT = "orderflow-input";

	private HandlingRuns() {
	}

	/**
	 * The {@link #INPUT} header's value for an output that answers this input, as
	 * {@link Handled#of} reads it back.
	 */
	public static String input(ConsumerRecord<?, ?> input) {
		return input.topic() + "-" + input.partition() + "@" + input.offset();
	}

	/**
	 * One input handled by one instance.
	 *
	 * @param partition the input's {@code topic-partition}
	 * @param offset the input's offset
	 * @param instance the instance that wrote the output
	 */
	public record Handled(String partition, long offset, String instance) {

		/** What an output record says of its input, if it says it. */
		public static Optional<Handled> of(ConsumerRecord<?, ?> output) {
			Optional<String> instance = text(output, INSTANCE);
			Optional<String> input = text(output, INPUT);
			if (instance.isEmpty() || input.isEmpty()) {
				return Optional.empty();
			}
			int at = input.get().lastIndexOf('@');
			if (at < 1) {
				return Optional.empty();
			}
			try {
				return Optional.of(new Handled(input.get().substring(0, at),
						Long.parseLong(input.get().substring(at + 1)), instance.get()));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		}

		private static Optional<String> text(ConsumerRecord<?, ?> record, String name) {
			Header header = record.headers().lastHeader(name);
			return (header != null && header.value() != null)
					? Optional.of(new String(header.value(), StandardCharsets.UTF_8)) : Optional.empty();
		}

	}

	/**
	 * Every place where two instances handled one input partition at the same time: runs
	 * of one instance whose offset ranges overlap. Empty when each partition was handled
	 * by one instance at a time.
	 */
	public static List<String> interleavings(Collection<Handled> handled) {
		Map<String, List<Handled>> byPartition = new TreeMap<>();
		handled.forEach((each) -> byPartition.computeIfAbsent(each.partition(), (key) -> new ArrayList<>()).add(each));
		List<String> interleavings = new ArrayList<>();
		byPartition.forEach((partition, inputs) -> {
			inputs.sort(Comparator.comparingLong(Handled::offset).thenComparing(Handled::instance));
			List<Run> runs = new ArrayList<>();
			for (Handled input : inputs) {
				Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
				if (last != null && last.instance().equals(input.instance())) {
					runs.set(runs.size() - 1, new Run(last.instance(), last.from(), input.offset()));
				}
				else {
					runs.add(new Run(input.instance(), input.offset(), input.offset()));
				}
			}
			for (int i = 1; i < runs.size(); i++) {
				Run before = runs.get(i - 1);
				Run after = runs.get(i);
				if (after.from() <= before.to()) {
					interleavings.add("%s: %s handled %d-%d while %s handled %d-%d".formatted(partition,
							before.instance(), before.from(), before.to(), after.instance(), after.from(), after.to()));
				}
			}
		});
		return interleavings;
	}

	/** Consecutive inputs of one partition handled by one instance. */
	private record Run(String instance, long from, long to) {
	}

}
