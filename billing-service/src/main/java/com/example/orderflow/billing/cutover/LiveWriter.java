package com.example.orderflow.billing.cutover;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value of the one record on {@code billing-live-writer}: which billing version
 * writes {@code invoices}. While a cut-over hands offsets over, no version is live.
 *
 * @param version {@code v1} or {@code v2}; {@code null} while offsets are handed over
 * @param previous the version that was live before, {@code null} at first
 * @param handedOver the {@code orders} offsets the live group started from, by partition
 * (empty when nothing was handed over)
 * @param changedAt when this record was written, {@code null} for the default
 */
public record LiveWriter(String version, String previous, Map<Integer, Long> handedOver, Instant changedAt) {

	/** Before any cut-over: v1 is live. */
	static final LiveWriter INITIAL = new LiveWriter("v1", null, Map.of(), null);

	public LiveWriter {
		handedOver = (handedOver != null) ? new TreeMap<>(handedOver) : Map.of();
	}

	static LiveWriter handingOver(String from, Instant now) {
		return new LiveWriter(null, from, Map.of(), now);
	}

	static LiveWriter live(String version, String previous, Map<Integer, Long> handedOver, Instant now) {
		return new LiveWriter(version, previous, handedOver, now);
	}

	/** Whether offsets are being handed over right now, so no version may consume. */
	public boolean handingOver() {
		return this.version == null;
	}

}
