package com.example.orderflow.kafka.faults;

import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import com.example.orderflow.events.OrderCreated;
import com.example.orderflow.testsupport.TestOrders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@Test
	void injectsNothingByDefault() {
		FaultInjection faults = new FaultInjection("group", FaultSettings.OFF, this.meters);

		assertThatNoException().isThrownBy(() -> faults.check(record(TestOrders.created(), 0)));
		assertThat(faults.injectedCounts()).containsEntry("transient", 0L).containsEntry("permanent", 0L);
	}

	@Test
	void chosenEventFailsItsFirstDeliveriesThenSucceedsOnAnyCopy() {
		FaultInjection faults = new FaultInjection("group", new FaultSettings(1.0, 2, null), this.meters);
		OrderCreated order = TestOrders.created();

		assertThatThrownBy(() -> faults.check(record(order, 10))).isInstanceOf(InjectedFault.class)
			.hasMessageContaining("delivery 1");
		// The copy on a retry topic has other coordinates: the eventId recognises it.
		assertThatThrownBy(() -> faults.check(record(order, 11))).isInstanceOf(InjectedFault.class)
			.hasMessageContaining("delivery 2");
		assertThatNoException().isThrownBy(() -> faults.check(record(order, 12)));
		assertThat(faults.injectedCounts()).containsEntry("transient", 2L);
		assertThat(this.meters.get("orderflow.faults.injected").tag("kind", "transient").counter().count())
			.isEqualTo(2);
	}

	@Test
	void shareChoosesTheSameEventsEveryTimeAndAboutThatMany() {
		long chosen = IntStream.range(0, 10_000)
			.mapToObj((i) -> UUID.randomUUID().toString())
			.filter((id) -> FaultInjection.isChosen(id, 0.3))
			.count();
		String id = UUID.randomUUID().toString();

		assertThat(chosen).isBetween(2_700L, 3_300L);
		assertThat(FaultInjection.isChosen(id, 0.3)).isEqualTo(FaultInjection.isChosen(id, 0.3));
		assertThat(FaultInjection.isChosen(id, 0)).isFalse();
		assertThat(FaultInjection.isChosen(id, 1)).isTrue();
	}

	@Test
	void markedEventFailsEveryTime() {
		FaultInjection faults = new FaultInjection("group", new FaultSettings(0, 1, "poison-7"), this.meters);
		OrderCreated poison = TestOrders.created(UUID.randomUUID(), "customer-poison-7", "DE");

		for (int delivery = 0; delivery < 5; delivery++) {
			int offset = delivery;
			assertThatThrownBy(() -> faults.check(record(poison, offset))).isInstanceOf(InjectedFault.class)
				.hasMessageContaining("poison-7");
		}
		assertThatNoException().isThrownBy(() -> faults.check(record(TestOrders.created(), 9)));
		assertThat(faults.injectedCounts()).containsEntry("permanent", 5L);
	}

	@Test
	void bytesThatAreNotAnEventAreRecognisedByTheirKey() {
		ConsumerRecord<Object, Object> bytes = new ConsumerRecord<>("orders", 0, 3, "order-1", null);

		assertThat(FaultInjection.identity(bytes)).isEqualTo("order-1");
	}

	@Test
	void switchingAgainFailsChosenEventsAfresh() {
		FaultInjection faults = new FaultInjection("group", new FaultSettings(1.0, 1, null), this.meters);
		OrderCreated order = TestOrders.created();
		assertThatThrownBy(() -> faults.check(record(order, 0))).isInstanceOf(InjectedFault.class);
		assertThatNoException().isThrownBy(() -> faults.check(record(order, 1)));

		faults.apply(new FaultSettings(1.0, 1, null));

		assertThatThrownBy(() -> faults.check(record(order, 2))).isInstanceOf(InjectedFault.class);
	}

	@Test
	void settingsOutOfRangeAreRejectedAndABlankMarkerIsNone() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FaultSettings(1.5, 1, null));
		assertThatIllegalArgumentException().isThrownBy(() -> new FaultSettings(-0.1, 1, null));
		assertThatIllegalArgumentException().isThrownBy(() -> new FaultSettings(0.5, 0, null));
		assertThat(new FaultSettings(0, 1, " ").permanentMarker()).isNull();
		assertThat(new FaultSettings(0, 1, " ").isOff()).isTrue();
	}

	private static ConsumerRecord<Object, Object> record(OrderCreated event, long offset) {
		return new ConsumerRecord<>("orders", 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0,
				event.orderId().toString(), event, new RecordHeaders(), Optional.empty());
	}

}
