package com.example.orderflow.demo.drill;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import com.example.orderflow.events.EventTypes;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of the failure path that the drills read, by name, and their values as text
 * or numbers.
 */
final class RecordHeaders {

	/** The logical type id of each record (as {@code EventTypes} names it). */
	static final String TYPE = EventTypes.HEADER;

	// orderflow's failure-path headers (kafka-support's OrderflowHeaders) and
	// spring-kafka's dead-letter headers, by name: the launcher has neither on its
	// classpath.

	static final String ATTEMPT = "orderflow-attempt";

	static final String DUE_AT = "orderflow-due-at";

	static final String REPLAY_COUNT = "orderflow-replay-count";

	static final String REPLAYED_FROM = "orderflow-replayed-from";

	static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";

	static final String EXCEPTION_CAUSE_FQCN = "kafka_dlt-exception-cause-fqcn";

	static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";

	static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";

	private RecordHeaders() {
	}

	/** The last value of a header, as text. */
	static Optional<String> last(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null)
				? Optional.of(new String(header.value(), StandardCharsets.UTF_8)) : Optional.empty();
	}

	/**
	 * The first value of a header: a record that went through retry topics carries one
	 * {@code kafka_dlt-original-*} per hop, and the first names {@code orders}.
	 */
	static Optional<String> first(Headers headers, String name) {
		for (Header header : headers.headers(name)) {
			return Optional.ofNullable(header.value()).map((value) -> new String(value, StandardCharsets.UTF_8));
		}
		return Optional.empty();
	}

	/** The last value of one of orderflow's numeric headers, which are decimal text. */
	static Optional<Long> number(Headers headers, String name) {
		return last(headers, name).flatMap((text) -> {
			try {
				return Optional.of(Long.parseLong(text.trim()));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		});
	}

}
