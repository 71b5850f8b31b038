package com.example.orderflow.billing.comparison;

import java.util.List;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

/**
 * Invoices from both topics in, each order's new comparison state out to the comparison
 * topic (once per poll, its latest): a poll's invoices in ONE Kafka transaction (the
 * container's) with their consumed offsets. One transaction per invoice kept the
 * comparison at a few dozen invoices a second, far behind billing at any real rate, while
 * its transactions loaded the cluster that every group shares. Started by
 * {@link ComparisonStartup} once the state is read back, never by itself.
 * <p>
 * A record no deserializer could read is logged, counted and passed over inside the
 * batch: the batch's other invoices are compared and committed. Anything else that fails
 * rolls the whole batch back, and it is delivered again (see
 * {@link ComparisonConfiguration}).
 */
class ComparisonListener {

	static final String ID = ConsumerGroups.BILLING_COMPARISON;

	private static final Logger logger = LoggerFactory.getLogger(ComparisonListener.class);

	private static final LogAccessor LOG_ACCESSOR = new LogAccessor(LogFactory.getLog(ComparisonListener.class));

	private final InvoiceComparison comparison;

	private final Counter unreadable;

	ComparisonListener(InvoiceComparison comparison, MeterRegistry meters) {
		this.comparison = comparison;
		this.unreadable = Counter.builder(ComparisonMetrics.UNREADABLE)
			.description("Records on an invoice topic that no deserializer could read, passed over")
			.register(meters);
	}

	/**
	 * Takes a poll's invoices. The range assignor, named here because a container
	 * factory's consumer properties never reach its containers, gives each consumer the
	 * same partition numbers of both topics: all of an order's invoices (see
	 * {@link ComparisonConfiguration}).
	 * <p>
	 * The one group of a consumer service on the classic protocol, for a measured reason:
	 * on the consumer protocol (Kafka 4.3.1's client), when its three members in one JVM
	 * close together, one is often handed the partitions another just left, waits for its
	 * application thread to take them while that thread waits in {@code close()}, and
	 * holds the container's stop for its whole 10 s shutdown timeout; the comparison's
	 * tests, which close a context per test, took 66-89 s instead of 10-22 s (the suite 4
	 * minutes longer).
	 */
	@KafkaListener(id = ComparisonListener.ID, groupId = ConsumerGroups.BILLING_COMPARISON,
			topics = { Topics.INVOICES, Topics.INVOICES_V2 },
			containerFactory = ComparisonConfiguration.CONTAINER_FACTORY, autoStartup = "false", batch = "true",
			properties = { ConsumerConfig.GROUP_PROTOCOL_CONFIG + "=classic",
					ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG
							+ "=org.apache.kafka.clients.consumer.RangeAssignor" })
	void on(List<ConsumerRecord<String, Object>> invoices) {
		InvoiceComparison.Poll poll = this.comparison.poll();
		invoices.forEach((record) -> compare(record, poll));
		poll.save();
	}

	private void compare(ConsumerRecord<String, Object> record, InvoiceComparison.Poll poll) {
		DeserializationException unreadable = SerializationUtils.getExceptionFromHeader(record,
				SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, LOG_ACCESSOR);
		if (unreadable != null) {
			this.unreadable.increment();
			logger.error("Not compared, unreadable: {}-{}@{} (key {}): {}", record.topic(), record.partition(),
					record.offset(), record.key(),
					(unreadable.getCause() != null) ? unreadable.getCause().getMessage() : unreadable.getMessage());
			return;
		}
		Side side = Side.of(record.topic());
		if (record.value() instanceof InvoiceIssued invoice) {
			poll.issued(side, invoice);
		}
		else if (record.value() instanceof InvoiceVoided voided) {
			poll.voided(side, voided);
		}
		else {
			// Another event type on an invoice topic is not compared, and must not stall
			// it.
			logger.warn("Not compared: a {} on {}-{}@{}",
					(record.value() != null) ? record.value().getClass().getSimpleName() : "null value", record.topic(),
					record.partition(), record.offset());
		}
	}

}
