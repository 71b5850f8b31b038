package com.example.orderflow.kafka.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The span of a consumed record, in the one place every reader of records shares: a child
 * of the context its producer wrote into its headers (W3C {@code traceparent}), kind
 * consumer, tagged as OpenTelemetry's messaging conventions say (system, operation type,
 * topic, partition, offset, key, consumer group).
 */
public final class ConsumerSpans {

	private ConsumerSpans() {
	}

	/**
	 * A span not yet started for a record, under its producer's span if the record names
	 * one.
	 * @param name {@code <group> process} or {@code <topic> receive}
	 * @param operationType {@code process} or {@code receive}
	 * @param group the consumer group that reads the record
	 */
	public static Span.Builder of(Propagator propagator, ConsumerRecord<?, ?> record, String name, String operationType,
			String group) {
		Span.Builder span = propagator.extract(record.headers(), TraceHeaders.GETTER)
			.name(name)
			.kind(Span.Kind.CONSUMER)
			.tag("messaging.system", "kafka")
			.tag("messaging.operation.type", operationType)
			.tag("messaging.destination.name", record.topic())
			.tag("messaging.destination.partition.id", String.valueOf(record.partition()))
			.tag("messaging.kafka.offset", String.valueOf(record.offset()))
			.tag("messaging.consumer.group.name", group);
		if (record.key() != null) {
			span.tag("messaging.kafka.message.key", String.valueOf(record.key()));
		}
		return span;
	}

}
