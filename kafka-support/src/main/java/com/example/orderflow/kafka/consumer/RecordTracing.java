package com.example.orderflow.kafka.consumer;

import com.example.orderflow.kafka.tracing.ConsumerSpans;
import com.example.orderflow.kafka.tracing.TraceHeaders;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Each record's own span, however many records share a transaction: a child of the
 * context its producer wrote into the record's headers (W3C {@code traceparent}), named
 * and tagged as OpenTelemetry's messaging conventions say ({@code <group> process}, kind
 * consumer, topic, partition, offset, group). The record's outputs carry the context of
 * that span, so whatever a downstream group does with them joins the same trace. A record
 * on its way to a retry or dead-letter topic keeps its own headers, its producer's
 * {@code traceparent} among them: each hop and a later replay are children of the same
 * producer span, in the order's trace. A failed record's span records the failure and
 * where the record goes next ({@value #ROUTED_TO}); a record retried in place has a span
 * per attempt.
 */
final class RecordTracing {

	/** The tag of a failed record's span: the retry or dead-letter topic it goes to. */
	static final String ROUTED_TO = "orderflow.routed.to";

	/**
	 * The tag of a span whose transaction rolled back: its outputs are gone, and the
	 * record's next delivery has a span of its own.
	 */
	static final String ROLLED_BACK = "orderflow.rolled.back";

	private final Tracer tracer;

	private final Propagator propagator;

	private final String group;

	RecordTracing(Tracer tracer, Propagator propagator, String group) {
		this.tracer = tracer;
		this.propagator = propagator;
		this.group = group;
	}

	/** Starts the record's span, a child of its producer's, if the record names one. */
	Span start(ConsumerRecord<?, ?> record) {
		return ConsumerSpans.of(this.propagator, record, this.group + " process", "process", this.group).start();
	}

	/**
	 * Makes the span the current one until closed: its trace and span ids are in every
	 * line logged meanwhile.
	 */
	Tracer.SpanInScope inScope(Span span) {
		return this.tracer.withSpan(span);
	}

	/**
	 * An output of the record, carrying the record's span as its parent: its
	 * {@code traceparent} replaces any copied from the input.
	 */
	ProducerRecord<Object, Object> carry(Span span, ProducerRecord<Object, Object> output) {
		TraceHeaders.inject(this.propagator, span.context(), output.headers());
		return output;
	}

}
