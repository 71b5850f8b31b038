package com.example.orderflow.kafka.faults;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.kafka.consumer.RecordCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails deliveries on purpose, before the listener sees them, as {@link FaultSettings}
 * say. A faulted event is recognised by its eventId (the key, for bytes that are not an
 * event), so its copy on a retry topic, or a replay of it, counts as the same event.
 */
class FaultInjection implements RecordCheck {

	private static final Logger logger = LoggerFactory.getLogger(FaultInjection.class);

	/**
	 * Enough to cover every event in flight on the retry path; older events are forgotten
	 * rather than kept forever.
	 */
	static final int REMEMBERED_EVENTS = 10_000;

	private final String group;

	private final Map<Kind, Counter> injected = new EnumMap<>(Kind.class);

	/** Deliveries seen per chosen event, oldest evicted first. */
	private final Map<String, Integer> deliveries = new LinkedHashMap<>(256, 0.75f, false) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
			return size() > REMEMBERED_EVENTS;
		}

	};

	private volatile FaultSettings settings;

	FaultInjection(String group, FaultSettings settings, MeterRegistry meters) {
		this.group = group;
		this.settings = settings;
		for (Kind kind : Kind.values()) {
			this.injected.put(kind,
					Counter.builder("orderflow.faults.injected")
						.description("Deliveries failed on purpose by fault injection")
						.tag("group", group)
						.tag("kind", kind.tag)
						.register(meters));
		}
	}

	FaultSettings settings() {
		return this.settings;
	}

	/**
	 * Switches to new settings. Forgets the deliveries counted so far, so that a
	 * transient fault switched on again fails its share of events afresh.
	 */
	void apply(FaultSettings settings) {
		synchronized (this.deliveries) {
			this.deliveries.clear();
			this.settings = settings;
		}
		logger.info("Fault injection for group {} now: transientShare={}, transientFailures={}, permanentMarker={}",
				this.group, settings.transientShare(), settings.transientFailures(), settings.permanentMarker());
	}

	/** How many deliveries were failed on purpose since start-up, by kind. */
	Map<String, Long> injectedCounts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.injected.forEach((kind, counter) -> counts.put(kind.tag, (long) counter.count()));
		return counts;
	}

	@Override
	public void check(ConsumerRecord<?, ?> record) {
		FaultSettings current = this.settings;
		if (current.isOff()) {
			return;
		}
		String identity = identity(record);
		Object value = record.value();
		if (current.permanentMarker() != null && value != null
				&& value.toString().contains(current.permanentMarker())) {
			throw inject(Kind.PERMANENT, identity, record,
					"Injected permanent fault: the event contains marker '" + current.permanentMarker() + "'");
		}
		if (identity != null && isChosen(identity, current.transientShare())) {
			int delivery = countDelivery(identity);
			if (delivery <= current.transientFailures()) {
				throw inject(Kind.TRANSIENT, identity, record, "Injected transient fault: delivery " + delivery
						+ " of the first " + current.transientFailures() + " that fail");
			}
		}
	}

	private InjectedFault inject(Kind kind, String identity, ConsumerRecord<?, ?> record, String message) {
		this.injected.get(kind).increment();
		logger.info("Injecting {} fault into event {} ({}-{}@{})", kind.tag, identity, record.topic(),
				record.partition(), record.offset());
		return new InjectedFault(message);
	}

	private int countDelivery(String identity) {
		synchronized (this.deliveries) {
			return this.deliveries.merge(identity, 1, Integer::sum);
		}
	}

	/** The eventId of an event; the key of bytes that are not one. */
	static String identity(ConsumerRecord<?, ?> record) {
		if (record.value() instanceof DomainEvent event) {
			return event.eventId().toString();
		}
		return (record.key() != null) ? record.key().toString() : null;
	}

	/**
	 * Whether an event falls in the faulted share: the same answer for the same identity
	 * in every instance and on every delivery, unlike a random draw.
	 */
	static boolean isChosen(String identity, double share) {
		if (share <= 0) {
			return false;
		}
		if (share >= 1) {
			return true;
		}
		CRC32 crc = new CRC32();
		crc.update(identity.getBytes(StandardCharsets.UTF_8));
		return crc.getValue() / (double) (1L << 32) < share;
	}

	/** The two kinds of fault, as the {@code kind} tag names them. */
	enum Kind {

		TRANSIENT("transient"), PERMANENT("permanent");

		final String tag;

		Kind(String tag) {
			this.tag = tag;
		}

	}

}
