package com.example.orderflow.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The logical type ids that name each record type on the wire (header
 * {@code __TypeId__}). A consumer in any language reads the id and the JSON schema of the
 * same name under {@code schemas/}; Java class names never travel.
 */
public final class EventTypes {

	/**
	 * The header that carries a record's type id: spring-kafka's JSON type header,
	 * written by every producer here with the ids below.
	 */
	public static final String HEADER = "__TypeId__";

	public static final String ORDER_CREATED = "order-created";

	public static final String ORDER_CANCELLED = "order-cancelled";

	public static final String INVOICE_ISSUED = "invoice-issued";

	public static final String INVOICE_VOIDED = "invoice-voided";

	public static final String SHIPMENT_SCHEDULED = "shipment-scheduled";

	public static final String SHIPMENT_CANCELLED = "shipment-cancelled";

	public static final String FRAUD_ASSESSED = "fraud-assessed";

	public static final String NOTIFICATION_SENT = "notification-sent";

	private static final Map<String, Class<? extends DomainEvent>> BY_ID = byId();

	private EventTypes() {
	}

	private static Map<String, Class<? extends DomainEvent>> byId() {
		Map<String, Class<? extends DomainEvent>> types = new LinkedHashMap<>();
		types.put(ORDER_CREATED, OrderCreated.class);
		types.put(ORDER_CANCELLED, OrderCancelled.class);
		types.put(INVOICE_ISSUED, InvoiceIssued.class);
		types.put(INVOICE_VOIDED, InvoiceVoided.class);
		types.put(SHIPMENT_SCHEDULED, ShipmentScheduled.class);
		types.put(SHIPMENT_CANCELLED, ShipmentCancelled.class);
		types.put(FRAUD_ASSESSED, FraudAssessed.class);
		types.put(NOTIFICATION_SENT, NotificationSent.class);
		return Map.copyOf(types);
	}

	/** Every type id with its record class. */
	public static Map<String, Class<? extends DomainEvent>> all() {
		return BY_ID;
	}

	/** The type id of a record class. */
	public static String idOf(Class<?> type) {
		return BY_ID.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(type))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Not an orderflow event: " + type.getName()));
	}

	/**
	 * The value of spring-kafka's {@code spring.json.type.mapping} property:
	 * {@code id:class,id:class,...}.
	 */
	public static String typeMapping() {
		return BY_ID.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + ":" + entry.getValue().getName())
			.sorted()
			.collect(Collectors.joining(","));
	}

	/** The one package whose classes the JSON deserializer may create. */
	public static String trustedPackage() {
		return EventTypes.class.getPackageName();
	}

}
