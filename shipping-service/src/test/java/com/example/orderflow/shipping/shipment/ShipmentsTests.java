package com.example.orderflow.shipping.shipment;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.ShipmentCancelled;
import com.example.orderflow.events.ShipmentScheduled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShipmentsTests {

	private static final Instant FRIDAY = Instant.parse("2026-01-02T15:00:00Z");

	private final Shipments shipments = new Shipments();

	@Test
	void orderIsScheduledWithItsCountrysCarrierForTheNextBusinessDay() {
		OrderCreated order = order("FR");

		ResultEvent result = this.shipments.schedule(order);

		assertThat(result).isInstanceOfSatisfying(ShipmentScheduled.class, (scheduled) -> {
			assertThat(scheduled.orderId()).isEqualTo(order.orderId());
			assertThat(scheduled.causationId()).isEqualTo(order.eventId());
			assertThat(scheduled.shippingCountry()).isEqualTo("FR");
			assertThat(scheduled.carrier()).isEqualTo("Colissimo");
			assertThat(scheduled.dispatchOn()).isEqualTo(LocalDate.of(2026, 1, 5));
			assertThat(scheduled.scheduledAt()).isEqualTo(FRIDAY);
		});
	}

	@Test
	void cancellationCancelsTheShipment() {
		OrderCreated order = order("DE");
		this.shipments.schedule(order);
		OrderCancelled cancellation = cancellationOf(order);

		ShipmentCancelled cancelled = this.shipments.cancel(cancellation);

		assertThat(cancelled.orderId()).isEqualTo(order.orderId());
		assertThat(cancelled.causationId()).isEqualTo(cancellation.eventId());
		assertThat(cancelled.reason()).isEqualTo(Shipments.ORDER_CANCELLED);
		assertThat(cancelled.cancelledAt()).isEqualTo(cancellation.cancelledAt());
	}

	@Test
	void cancelledOrderIsNeverShippedEvenWhenItsCancellationCameFirst() {
		OrderCreated order = order("DE");
		OrderCancelled cancellation = cancellationOf(order);

		ShipmentCancelled first = this.shipments.cancel(cancellation);
		ResultEvent then = this.shipments.schedule(order);

		assertThat(first.causationId()).isEqualTo(cancellation.eventId());
		assertThat(then).isInstanceOfSatisfying(ShipmentCancelled.class, (cancelled) -> {
			assertThat(cancelled.orderId()).isEqualTo(order.orderId());
			assertThat(cancelled.causationId()).isEqualTo(order.eventId());
			assertThat(cancelled.reason()).isEqualTo("cancelled before scheduling");
			assertThat(cancelled.cancelledAt()).isEqualTo(cancellation.cancelledAt());
		});
	}

	@Test
	void cancellationOfOneOrderDoesNotStopAnother() {
		this.shipments.cancel(cancellationOf(order("DE")));

		assertThat(this.shipments.schedule(order("DE"))).isInstanceOf(ShipmentScheduled.class);
	}

	@Test
	void redeliveredOrderGivesTheSameShipmentApartFromItsEventId() {
		OrderCreated order = order("GB");

		ResultEvent first = this.shipments.schedule(order);
		ResultEvent second = this.shipments.schedule(order);

		assertThat(second).usingRecursiveComparison().ignoringFields("eventId").isEqualTo(first);
	}

	private static OrderCreated order(String country) {
		List<OrderLine> lines = List.of(new OrderLine("SKU-A", 1, Money.of("10.00", "EUR")));
		return new OrderCreated(UUID.randomUUID(), UUID.randomUUID(), "customer-1", lines, Money.of("10.00", "EUR"),
				country, FRIDAY);
	}

	private static OrderCancelled cancellationOf(OrderCreated order) {
		return new OrderCancelled(UUID.randomUUID(), order.orderId(), "changed my mind", FRIDAY.plusSeconds(600));
	}

}
