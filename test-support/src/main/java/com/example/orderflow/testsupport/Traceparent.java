package com.example.orderflow.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A W3C trace context ({@code traceparent: 00-<trace id>-<span id>-01}), as a client
 * sends it with a request or a producer writes it into a record's headers.
 *
 * @param traceId 32 hex digits
 * @param spanId 16 hex digits: the span whose child the receiver's span is
 */
public record Traceparent(String traceId, String spanId) {

	/** The name of the header, in HTTP and in Kafka. */
	public static final String HEADER = "traceparent";

	/** A new trace's root span, sampled. */
	public static Traceparent random() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return new Traceparent("%016x%016x".formatted(random.nextLong(), random.nextLong()),
				"%016x".formatted(random.nextLong()));
	}

	/** The context a record carries, if any. */
	public static Optional<Traceparent> of(Headers headers) {
		Header header = headers.lastHeader(HEADER);
		return (header != null) ? Optional.of(parse(new String(header.value(), StandardCharsets.UTF_8)))
				: Optional.empty();
	}

	/** Reads {@code 00-<trace id>-<span id>-<flags>}. */
	public static Traceparent parse(String value) {
		String[] parts = value.split("-");
		return new Traceparent(parts[1], parts[2]);
	}

	/** Adds it to a record's headers. */
	public void addTo(Headers headers) {
		headers.add(HEADER, toString().getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public String toString() {
		return "00-" + this.traceId + "-" + this.spanId + "-01";
	}

}
