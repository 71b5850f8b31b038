package com.example.orderflow.notification.customer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.NotificationKind;
import com.example.orderflow.events.NotificationSent;
import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.events.OrderLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class NotificationsTests {

	private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

	private final RecordingChannel channel = new RecordingChannel();

	private final Notifications notifications = new Notifications(this.channel);

	@Test
	void newOrderIsConfirmedToItsCustomer() {
		OrderCreated order = order("customer-1");

		NotificationSent sent = this.notifications.confirm(order);

		assertThat(sent.orderId()).isEqualTo(order.orderId());
		assertThat(sent.causationId()).isEqualTo(order.eventId());
		assertThat(sent.kind()).isEqualTo(NotificationKind.ORDER_CONFIRMATION);
		assertThat(sent.channel()).isEqualTo("recording");
		assertThat(sent.recipient()).isEqualTo("customer-1");
		assertThat(sent.sentAt()).isEqualTo(NOW);
		assertThat(this.channel.delivered).singleElement().satisfies((notification) -> {
			assertThat(notification.recipient()).isEqualTo("customer-1");
			assertThat(notification.text()).contains(order.orderId().toString()).contains("25.00 EUR");
		});
	}

	@Test
	void cancellationGoesToTheCustomerWhoOrdered() {
		OrderCreated order = order("customer-2");
		this.notifications.confirm(order);
		OrderCancelled cancellation = new OrderCancelled(UUID.randomUUID(), order.orderId(), "changed my mind",
				NOW.plusSeconds(60));

		NotificationSent sent = this.notifications.confirmCancellation(cancellation);

		assertThat(sent.causationId()).isEqualTo(cancellation.eventId());
		assertThat(sent.kind()).isEqualTo(NotificationKind.ORDER_CANCELLATION);
		assertThat(sent.recipient()).isEqualTo("customer-2");
		assertThat(sent.sentAt()).isEqualTo(cancellation.cancelledAt());
		assertThat(this.channel.delivered).extracting(Notification::kind)
			.containsExactly(NotificationKind.ORDER_CONFIRMATION, NotificationKind.ORDER_CANCELLATION);
	}

	@Test
	void cancellationOfAnUnseenOrderGoesToAnUnknownRecipient() {
		NotificationSent sent = this.notifications
			.confirmCancellation(new OrderCancelled(UUID.randomUUID(), UUID.randomUUID(), "changed my mind", NOW));

		assertThat(sent.recipient()).isEqualTo("unknown");
		assertThat(sent.kind()).isEqualTo(NotificationKind.ORDER_CANCELLATION);
	}

	@Test
	void logChannelWritesTheMessageToTheLog(CapturedOutput output) {
		LogChannel log = new LogChannel();
		UUID orderId = UUID.randomUUID();

		log.deliver(new Notification(orderId, NotificationKind.ORDER_CONFIRMATION, "customer-3", "Thank you."));

		assertThat(log.name()).isEqualTo("log");
		assertThat(output).contains("INFO").contains("customer-3").contains(orderId.toString()).contains("Thank you.");
	}

	private static OrderCreated order(String customerId) {
		List<OrderLine> lines = List.of(new OrderLine("SKU-A", 2, Money.of("12.50", "EUR")));
		return new OrderCreated(UUID.randomUUID(), UUID.randomUUID(), customerId, lines, Money.of("25.00", "EUR"), "DE",
				NOW);
	}

	/** A channel that keeps what it was given, so a test can look. */
	private static final class RecordingChannel implements NotificationChannel {

		private final List<Notification> delivered = new ArrayList<>();

		@Override
		public String name() {
			return "recording";
		}

		@Override
		public void deliver(Notification notification) {
			this.delivered.add(notification);
		}

	}

}
