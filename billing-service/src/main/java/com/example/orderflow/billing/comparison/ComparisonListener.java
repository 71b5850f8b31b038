package com.example.orderflow.billing.comparison;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;

/**
 * Invoices from both topics in, the order's new comparison state out to the comparison
 * topic, in the container's Kafka transaction with the consumed offset. Started by
 * {@link ComparisonStartup} once the state is read back, never by itself.
 */
@KafkaListener(id = ComparisonListener.ID, groupId = ConsumerGroups.BILLING_COMPARISON,
		topics = { Topics.INVOICES, Topics.INVOICES_V2 }, containerFactory = ComparisonConfiguration.CONTAINER_FACTORY,
		autoStartup = "false")
class ComparisonListener {

	static final String ID = ConsumerGroups.BILLING_COMPARISON;

	private static final Logger logger = LoggerFactory.getLogger(ComparisonListener.class);

	private final InvoiceComparison comparison;

	ComparisonListener(InvoiceComparison comparison) {
		this.comparison = comparison;
	}

	@KafkaHandler
	void on(InvoiceIssued invoice, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic) {
		this.comparison.issued(Side.of(topic), invoice);
	}

	@KafkaHandler
	void on(InvoiceVoided voided, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic) {
		this.comparison.voided(Side.of(topic), voided);
	}

	/** Another event type on an invoice topic is not compared, and must not stall it. */
	@KafkaHandler(isDefault = true)
	void other(Object event, @Header(KafkaHeaders.RECEIVED_TOPIC) String topic) {
		logger.warn("Not compared: a {} on {}", event.getClass().getSimpleName(), topic);
	}

}
