package com.example.orderflow.testsupport;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;

/** Sample order events for tests. */
public final class TestOrders {

	private TestOrders() {
	}

	/** An order of two lines in EUR, shipping to Germany. */
	public static OrderCreated created() {
		return created(UUID.randomUUID(), "customer-1", "DE");
	}

	public static OrderCreated created(UUID orderId, String customerId, String shippingCountry) {
		List<OrderLine> lines = List.of(new OrderLine("SKU-BOOK", 2, Money.of("12.50", "EUR")),
				new OrderLine("SKU-PEN", 3, Money.of("1.99", "EUR")));
		Money total = lines.stream().map(OrderLine::lineTotal).reduce(Money.zero("EUR"), Money::plus);
		return new OrderCreated(UUID.randomUUID(), orderId, customerId, lines, total, shippingCountry, Instant.now());
	}

	public static OrderCancelled cancelled(OrderCreated order) {
		return new OrderCancelled(UUID.randomUUID(), order.orderId(), "changed my mind", Instant.now());
	}

}
