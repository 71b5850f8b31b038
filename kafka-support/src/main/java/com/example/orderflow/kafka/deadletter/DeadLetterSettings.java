package com.example.orderflow.kafka.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the DLQ consumer treats parked records.
 *
 * @param maxReplays a record parked again after this many replays stays parked: replaying
 * it once more would only park it once more
 * @param replayTransactionIdPrefix what the transactional ids of the replay writers start
 * with, before {@code <group>-replay-<partition>}: the same in every instance of the
 * group, so that they fence each other (the secure profile makes it {@code <principal>.},
 * the prefix its ACLs grant)
 */
@ConfigurationProperties("orderflow.dead-letters")
record DeadLetterSettings(@DefaultValue("3") int maxReplays, @DefaultValue("") String replayTransactionIdPrefix) {

	DeadLetterSettings {
		if (maxReplays < 0) {
			throw new IllegalArgumentException("max-replays must not be negative, got " + maxReplays);
		}
	}

}
