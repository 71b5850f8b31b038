package com.example.orderflow.kafka;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.FraudAssessed;
import com.example.orderflow.events.FraudDecision;
import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceLine;
import com.example.orderflow.events.InvoiceVoided;
import com.example.orderflow.events.Money;
import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;

/** One filled-in instance of every event type. */
final class SampleEvents {

	private static final UUID ORDER = UUID.randomUUID();

	private static final Instant NOW = Instant.parse("2026-11-24T18:00:00.123Z");

	private SampleEvents() {
	}

	static List<DomainEvent> all() {
		Money price = Money.of("12.50", "EUR");
		return List.of(
				new OrderCreated(UUID.randomUUID(), ORDER, "customer-ä-1", List.of(new OrderLine("SKU-1", 2, price)),
						price.times(2), "DE", NOW),
				new OrderCancelled(UUID.randomUUID(), ORDER, "changed my mind", NOW),
				new InvoiceIssued(UUID.randomUUID(), ORDER, UUID.randomUUID(), "customer-1",
						List.of(new InvoiceLine("SKU-1", 2, price, price.times(2), Money.of("4.75", "EUR"))),
						price.times(2), Money.of("4.75", "EUR"), Money.of("29.75", "EUR"), "v1", NOW),
				new InvoiceVoided(UUID.randomUUID(), ORDER, UUID.randomUUID(), "order cancelled", "v2", NOW),
				new ShipmentScheduled(UUID.randomUUID(), ORDER, UUID.randomUUID(), "DE", "DHL",
						LocalDate.of(2026, 11, 25), NOW),
				new ShipmentCancelled(UUID.randomUUID(), ORDER, UUID.randomUUID(), "order cancelled", NOW),
				new FraudAssessed(UUID.randomUUID(), ORDER, UUID.randomUUID(), FraudDecision.REVIEW, 40,
						List.of("high order value"), NOW),
				new NotificationSent(UUID.randomUUID(), ORDER, UUID.randomUUID(), NotificationKind.ORDER_CONFIRMATION,
						"log", "customer-1", NOW));
	}

}
