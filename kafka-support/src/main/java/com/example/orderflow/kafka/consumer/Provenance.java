package com.example.orderflow.kafka.consumer;

import com.example.orderflow.events.HandlingRuns;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Says on every output record who made it from what: the instance that handled the input
 * ({@code orderflow-instance}) and the input's {@code topic-partition@offset}
 * ({@code orderflow-input}). A reader of the committed outputs can then check what the
 * group's members really did, for instance that no two members ever handled one partition
 * at the same time, instead of trusting the coordinator's view of who owned it.
 */
final class Provenance {

	private final String instance;

	Provenance(String instance) {
		this.instance = instance;
	}

	ProducerRecord<Object, Object> stamp(ProducerRecord<Object, Object> output, ConsumerRecord<?, ?> input) {
		RecordHeaders headers = new RecordHeaders(output.headers().toArray());
		OrderflowHeaders.set(headers, OrderflowHeaders.INSTANCE, this.instance);
		OrderflowHeaders.set(headers, OrderflowHeaders.INPUT, HandlingRuns.input(input));
		return new ProducerRecord<>(output.topic(), output.partition(), output.timestamp(), output.key(),
				output.value(), headers);
	}

}
