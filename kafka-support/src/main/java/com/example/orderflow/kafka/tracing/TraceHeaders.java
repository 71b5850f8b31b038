package com.example.orderflow.kafka.tracing;

import java.nio.charset.StandardCharsets;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A trace context in a record's headers (W3C {@code traceparent}, as the propagator
 * writes it): how a producer hands its span to whoever consumes the record, in the one
 * place every service shares.
 */
public final class TraceHeaders {

	/** Reads a header as the propagator asks for it. */
	public static final Propagator.Getter<Headers> GETTER = (headers, key) -> {
		Header header = headers.lastHeader(key);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	};

	/** Writes a header, replacing one of the same name (copied from an input, say). */
	private static final Propagator.Setter<Headers> SETTER = (headers, key, value) -> {
		headers.remove(key);
		headers.add(key, value.getBytes(StandardCharsets.UTF_8));
	};

	private TraceHeaders() {
	}

	/** Writes the context into the headers of a record not yet sent. */
	public static void inject(Propagator propagator, TraceContext context, Headers headers) {
		propagator.inject(context, headers, SETTER);
	}

}
