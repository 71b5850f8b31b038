package com.example.orderflow.kafka.consumer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many records a consumer service commits in one Kafka transaction. A transaction
 * costs the cluster the same for one record as for hundreds (the offsets, two entries in
 * the transaction log, a marker per partition), so the records of a poll share one; the
 * bounds keep each transaction short and well inside {@code transaction.timeout.ms}.
 *
 * @param maxRecords records per transaction at most; {@code 1} is one transaction per
 * record, the shape the benchmark compares against
 * @param maxTime how long a transaction may collect records before it commits
 */
@ConfigurationProperties("orderflow.consumer.transaction")
public record ConsumerTransactionProperties(@DefaultValue("500") int maxRecords, @DefaultValue("1s") Duration maxTime) {

	public ConsumerTransactionProperties {
		if (maxRecords < 1) {
			throw new IllegalArgumentException("max-records must be at least 1, got " + maxRecords);
		}
		if (maxTime.isNegative() || maxTime.isZero()) {
			throw new IllegalArgumentException("max-time must be positive, got " + maxTime);
		}
	}

}
