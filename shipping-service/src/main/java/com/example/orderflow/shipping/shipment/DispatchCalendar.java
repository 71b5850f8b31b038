package com.example.orderflow.shipping.shipment;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When the warehouse dispatches an order: the next business day (Monday to Friday) after
 * the day it was placed, counted in UTC so every instance agrees. Public holidays are out
 * of scope.
 */
final class DispatchCalendar {

	private DispatchCalendar() {
	}

	static LocalDate dispatchDay(Instant orderedAt) {
		LocalDate day = LocalDate.ofInstant(orderedAt, ZoneOffset.UTC).plusDays(1);
		while (day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY) {
			day = day.plusDays(1);
		}
		return day;
	}

}
