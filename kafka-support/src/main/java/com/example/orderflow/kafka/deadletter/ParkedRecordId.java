package com.example.orderflow.kafka.deadletter;

import java.util.Optional;

/**
 * Where a parked record sits in the group's dead-letter topic: its id, and what the
 * {@code orderflow-replayed-from} header of a replay names, as
 * {@code <partition>@<offset>}.
 *
 * @param partition the partition of the dead-letter topic
 * @param offset the offset in that partition
 */
record ParkedRecordId(int partition, long offset) implements Comparable<ParkedRecordId> {

	static Optional<ParkedRecordId> parse(String text) {
		int at = text.indexOf('@');
		if (at < 1) {
			return Optional.empty();
		}
		try {
			return Optional.of(new ParkedRecordId(Integer.parseInt(text.substring(0, at).trim()),
					Long.parseLong(text.substring(at + 1).trim())));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	@Override
	public int compareTo(ParkedRecordId other) {
		int byPartition = Integer.compare(this.partition, other.partition);
		return (byPartition != 0) ? byPartition : Long.compare(this.offset, other.offset);
	}

	@Override
	public String toString() {
		return this.partition + "@" + this.offset;
	}

}
