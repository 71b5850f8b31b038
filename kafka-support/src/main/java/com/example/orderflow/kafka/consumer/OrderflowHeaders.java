package com.example.orderflow.kafka.consumer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.example.orderflow.events.HandlingRuns;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The record headers orderflow adds on the failure paths, beside spring-kafka's own
 * {@code kafka_dlt-*} headers. Values are UTF-8 decimal text, readable with
 * {@code kcat -f %h}.
 */
public final class OrderflowHeaders {

	/**
	 * Which delivery attempt of the record this is: 1 on {@code orders}, 2 on retry topic
	 * 1, ...
	 */
	public static final String ATTEMPT = "orderflow-attempt";

	/** Epoch millis before which a record on a retry topic must not be handled. */
	public static final String DUE_AT = "orderflow-due-at";

	/** How often this record was replayed from its dead-letter topic. */
	public static final String REPLAY_COUNT = "orderflow-replay-count";

	/** {@code <partition>@<offset>} of the dead-letter record a replay came from. */
	public static final String REPLAYED_FROM = "orderflow-replayed-from";

	/**
	 * On every output record: the instance ({@code orderflow.instance-id}) that made it
	 * (named in common-events, where the drills' check reads it back).
	 */
	public static final String INSTANCE = HandlingRuns.INSTANCE;

	/**
	 * On every output record: the input it answers, as
	 * {@code <topic>-<partition>@<offset>}.
	 */
	public static final String INPUT = HandlingRuns.INPUT;

	private OrderflowHeaders() {
	}

	/** The last value of a numeric header, if present. */
	public static Optional<Long> longValue(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		if (header == null || header.value() == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim()));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/** The last value of a text header, if present. */
	public static Optional<String> text(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null)
				? Optional.of(new String(header.value(), StandardCharsets.UTF_8)) : Optional.empty();
	}

	/**
	 * The FIRST value of a header: for spring-kafka's {@code kafka_dlt-original-*}
	 * headers, where a record that went through retry topics carries one per hop and the
	 * first names {@code orders}.
	 */
	public static Optional<byte[]> first(Headers headers, String name) {
		for (Header header : headers.headers(name)) {
			return Optional.ofNullable(header.value());
		}
		return Optional.empty();
	}

	/** Replaces a header with a decimal value. */
	public static void set(Headers headers, String name, long value) {
		headers.remove(name);
		headers.add(name, Long.toString(value).getBytes(StandardCharsets.UTF_8));
	}

	/** Replaces a header with a text value. */
	public static void set(Headers headers, String name, String value) {
		headers.remove(name);
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * spring-kafka writes partition and offset headers as big-endian binary ints and
	 * longs.
	 */
	public static Optional<Long> binaryNumber(byte[] value) {
		if (value == null) {
			return Optional.empty();
		}
		if (value.length == Integer.BYTES) {
			return Optional.of((long) ByteBuffer.wrap(value).getInt());
		}
		if (value.length == Long.BYTES) {
			return Optional.of(ByteBuffer.wrap(value).getLong());
		}
		return Optional.empty();
	}

}
