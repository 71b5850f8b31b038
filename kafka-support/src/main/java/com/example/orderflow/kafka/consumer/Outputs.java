package com.example.orderflow.kafka.consumer;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the handling of one record published, held back until the handling succeeded: a
 * record that published part of its output and then failed must leave nothing behind, and
 * in a transaction shared by many records nothing already sent can be taken back. So
 * {@link ResultPublisher} adds to the list of the record being handled on this thread,
 * and {@link ConsumeTransformProduce} sends the list only once the handler returned.
 */
final class Outputs {

	private static final ThreadLocal<List<ProducerRecord<Object, Object>>> CURRENT = new ThreadLocal<>();

	private Outputs() {
	}

	/** Runs one record's handling and returns what it published. */
	static List<ProducerRecord<Object, Object>> collect(Runnable handling) {
		List<ProducerRecord<Object, Object>> outputs = new ArrayList<>();
		CURRENT.set(outputs);
		try {
			handling.run();
			return outputs;
		}
		finally {
			CURRENT.remove();
		}
	}

	static void add(ProducerRecord<Object, Object> output) {
		List<ProducerRecord<Object, Object>> outputs = CURRENT.get();
		if (outputs == null) {
			throw new IllegalStateException(
					"Results are published by listeners, while a record is handled: its transaction holds them");
		}
		outputs.add(output);
	}

}
