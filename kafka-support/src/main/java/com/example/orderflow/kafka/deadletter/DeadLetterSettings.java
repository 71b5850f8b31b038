package com.example.orderflow.kafka.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the DLQ consumer treats parked records.
 *
 * @param maxReplays a record parked again after this many replays stays parked: replaying
 * it once more would only park it once more
 */
@ConfigurationProperties("orderflow.dead-letters")
record DeadLetterSettings(@DefaultValue("3") int maxReplays) {

	DeadLetterSettings {
		if (maxReplays < 0) {
			throw new IllegalArgumentException("max-replays must not be negative, got " + maxReplays);
		}
	}

}
