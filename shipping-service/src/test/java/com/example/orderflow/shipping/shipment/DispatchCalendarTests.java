package com.example.orderflow.shipping.shipment;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DispatchCalendarTests {

	@Test
	void weekdayOrderIsDispatchedTheNextDay() {
		// Monday 5 January 2026
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-05T10:00:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 6));
	}

	@Test
	void thursdayOrderIsDispatchedOnFriday() {
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-08T16:00:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 9));
	}

	@Test
	void fridayOrderIsDispatchedOnMonday() {
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-02T09:00:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 5));
	}

	@Test
	void weekendOrderIsDispatchedOnMonday() {
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-03T12:00:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 5));
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-04T12:00:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 5));
	}

	@Test
	void dayIsCountedInUtc() {
		// Monday 23:30 UTC is already Tuesday in Berlin; in UTC it is Monday.
		assertThat(DispatchCalendar.dispatchDay(Instant.parse("2026-01-05T23:30:00Z")))
			.isEqualTo(LocalDate.of(2026, 1, 6));
		// Sunday 23:30 in New York is Monday 04:30 UTC.
		assertThat(DispatchCalendar.dispatchDay(OffsetDateTime.parse("2026-01-04T23:30:00-05:00").toInstant()))
			.isEqualTo(LocalDate.of(2026, 1, 6));
	}

}
