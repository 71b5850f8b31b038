package com.example.orderflow.kafka.consumer;

import java.time.Duration;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

/**
 * What an operator sees of each record, however many share a transaction: orderId, group,
 * partition and offset in the log context while it is handled, and, once its transaction
 * committed, what became of it ({@code orderflow.events.processed}, {@code .failed},
 * {@code .retried}, {@code .dead-lettered}) with the end-to-end latency from the record's
 * creation ({@code orderflow.events.latency}). Per transaction: how many records it held
 * ({@code orderflow.transactions.records}) and how many were rolled back
 * ({@code orderflow.transactions.aborted}).
 */
class RecordObservation {

	private final MeterRegistry meters;

	private final String group;

	private final DistributionSummary recordsPerTransaction;

	private final Counter aborted;

	RecordObservation(MeterRegistry meters, String group) {
		this.meters = meters;
		this.group = group;
		this.recordsPerTransaction = DistributionSummary.builder("orderflow.transactions.records")
			.description("Records whose outcome one Kafka transaction committed")
			.tag("group", group)
			.register(meters);
		this.aborted = Counter.builder("orderflow.transactions.aborted")
			.description("Kafka transactions rolled back; their records are delivered again")
			.tag("group", group)
			.register(meters);
	}

	/** Names the record in every line logged until {@link #leave()}. */
	void enter(ConsumerRecord<?, ?> record) {
		MDC.put("orderId", String.valueOf(record.key()));
		MDC.put("group", this.group);
		MDC.put("partition", String.valueOf(record.partition()));
		MDC.put("offset", String.valueOf(record.offset()));
	}

	void leave() {
		MDC.remove("orderId");
		MDC.remove("group");
		MDC.remove("partition");
		MDC.remove("offset");
	}

	void committed(int records) {
		this.recordsPerTransaction.record(records);
	}

	void aborted() {
		this.aborted.increment();
	}

	/** A record whose outputs committed. */
	void processed(ConsumerRecord<?, ?> record) {
		Counter.builder("orderflow.events.processed")
			.description("Order events this group handled")
			.tag("group", this.group)
			.tag("type", typeOf(record))
			.register(this.meters)
			.increment();
		Timer.builder("orderflow.events.latency")
			.description("From the record's creation to the commit of its handling")
			.tag("group", this.group)
			.publishPercentileHistogram()
			.register(this.meters)
			.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - record.timestamp())));
	}

	/**
	 * A record that failed and was sent on to a retry topic or parked, in a committed
	 * transaction.
	 */
	void routed(ConsumerRecord<?, ?> record, boolean deadLettered) {
		Counter.builder("orderflow.events.failed")
			.description("Deliveries of an order event that failed")
			.tag("group", this.group)
			.tag("type", typeOf(record))
			.register(this.meters)
			.increment();
		this.meters.counter("orderflow.events." + (deadLettered ? "dead-lettered" : "retried"), "group", this.group)
			.increment();
	}

	/**
	 * The logical type id of the event, or {@code unreadable} for bytes no deserializer
	 * could read.
	 */
	private static String typeOf(ConsumerRecord<?, ?> record) {
		return (record.value() instanceof DomainEvent event) ? EventTypes.idOf(event.getClass()) : "unreadable";
	}

}
