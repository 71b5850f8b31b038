package com.example.orderflow.kafka.deadletter;

import com.example.orderflow.kafka.tracing.ConsumerSpans;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The span of a record newly parked in the group's dead-letter topic, so that the parking
 * is a node of the order's trace and the line announcing it carries the trace: a child of
 * the context the record carries (its producer's W3C {@code traceparent}, which every hop
 * to the dead-letter topic keeps), named and tagged as OpenTelemetry's messaging
 * conventions say for a reader that only takes records in ({@code <topic> receive},
 * {@link ConsumerSpans}), plus where the record failed first ({@value #PARKED_FROM}) and
 * how ({@value #PARKED_EXCEPTION}).
 */
final class ParkedRecordTracing {

	/**
	 * The tag of where the parked record failed first:
	 * {@code <topic>-<partition>@<offset>}.
	 */
	static final String PARKED_FROM = "orderflow.parked.from";

	/** The tag of the class of the parked record's last failure. */
	static final String PARKED_EXCEPTION = "orderflow.parked.exception";

	private final Tracer tracer;

	private final Propagator propagator;

	private final String group;

	/**
	 * @param group the group id of the DLQ consumer, which only names it: it takes its
	 * partitions itself and commits nothing
	 */
	ParkedRecordTracing(Tracer tracer, Propagator propagator, String group) {
		this.tracer = tracer;
		this.propagator = propagator;
		this.group = group;
	}

	/**
	 * Runs the announcement of a newly parked record inside the record's span: the span
	 * is current meanwhile, so the trace and span ids are in every line it logs.
	 */
	void announce(ConsumerRecord<?, ?> record, ParkedRecord parked, Runnable announcement) {
		Span span = start(record, parked);
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			announcement.run();
		}
		catch (RuntimeException ex) {
			span.error(ex);
			throw ex;
		}
		finally {
			span.end();
		}
	}

	private Span start(ConsumerRecord<?, ?> record, ParkedRecord parked) {
		Span.Builder span = ConsumerSpans.of(this.propagator, record, record.topic() + " receive", "receive",
				this.group);
		if (parked.originalTopic() != null && parked.originalPartition() != null && parked.originalOffset() != null) {
			span.tag(PARKED_FROM,
					parked.originalTopic() + "-" + parked.originalPartition() + "@" + parked.originalOffset());
		}
		if (parked.exceptionClass() != null) {
			span.tag(PARKED_EXCEPTION, parked.exceptionClass());
		}
		return span.start();
	}

}
