package com.example.orderflow.kafka.consumer;

import java.time.Duration;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.EventTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.MDC;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Per record: puts orderId, group, partition and offset in the log context while the
 * listener runs, and counts what happened ({@code orderflow.events.processed} /
 * {@code .failed}) with the end-to-end latency from the record's creation
 * ({@code orderflow.events.latency}).
 */
class RecordObservation implements RecordInterceptor<Object, Object> {

	private final MeterRegistry meters;

	private final String group;

	RecordObservation(MeterRegistry meters, String group) {
		this.meters = meters;
		this.group = group;
	}

	@Override
	public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
			Consumer<Object, Object> consumer) {
		MDC.put("orderId", String.valueOf(record.key()));
		MDC.put("group", this.group);
		MDC.put("partition", String.valueOf(record.partition()));
		MDC.put("offset", String.valueOf(record.offset()));
		return record;
	}

	@Override
	public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		String type = typeOf(record);
		Counter.builder("orderflow.events.processed")
			.description("Order events this group handled")
			.tag("group", this.group)
			.tag("type", type)
			.register(this.meters)
			.increment();
		Timer.builder("orderflow.events.latency")
			.description("From the record's creation to the end of its handling")
			.tag("group", this.group)
			.publishPercentileHistogram()
			.register(this.meters)
			.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - record.timestamp())));
	}

	@Override
	public void failure(ConsumerRecord<Object, Object> record, Exception exception, Consumer<Object, Object> consumer) {
		Counter.builder("orderflow.events.failed")
			.description("Deliveries of an order event that threw")
			.tag("group", this.group)
			.tag("type", typeOf(record))
			.register(this.meters)
			.increment();
	}

	@Override
	public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		MDC.remove("orderId");
		MDC.remove("group");
		MDC.remove("partition");
		MDC.remove("offset");
	}

	/**
	 * The logical type id of the event, or {@code unreadable} for bytes no deserializer
	 * could read.
	 */
	private static String typeOf(ConsumerRecord<Object, Object> record) {
		return (record.value() instanceof DomainEvent event) ? EventTypes.idOf(event.getClass()) : "unreadable";
	}

}
