package com.example.orderflow.kafka.faults;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which faults a consumer service injects: its start-up values come from
 * {@code orderflow.faults.*}, and {@code PUT /admin/faults} replaces them at runtime.
 *
 * @param transientShare the share (0 to 1) of events that fail transiently; which ones is
 * decided by a hash of the event's identity, so every instance and every retry of an
 * event decides the same
 * @param transientFailures how many deliveries of such an event fail before one succeeds
 * @param permanentMarker events whose text form contains this (an order's customerId,
 * say) fail on every delivery; none if empty
 */
@ConfigurationProperties("orderflow.faults")
record FaultSettings(@DefaultValue("0") double transientShare, @DefaultValue("1") int transientFailures,
		@Nullable String permanentMarker) {

	static final FaultSettings OFF = new FaultSettings(0, 1, null);

	FaultSettings {
		if (!(transientShare >= 0 && transientShare <= 1)) {
			throw new IllegalArgumentException("transientShare must be between 0 and 1, got " + transientShare);
		}
		if (transientFailures < 1) {
			throw new IllegalArgumentException("transientFailures must be at least 1, got " + transientFailures);
		}
		if (permanentMarker != null && permanentMarker.isBlank()) {
			// A blank marker would be contained in every record: fail everything by a
			// typo.
			permanentMarker = null;
		}
	}

	boolean isOff() {
		return this.transientShare == 0 && this.permanentMarker == null;
	}

}
