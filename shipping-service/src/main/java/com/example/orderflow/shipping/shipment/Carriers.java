package com.example.orderflow.shipping.shipment;

import java.util.Locale;
import java.util.Map;

/**
 * The carrier that takes parcels to each shipping country: a small, illustrative table.
 */
final class Carriers {

	/** Takes everything the table does not name. */
	static final String INTERNATIONAL = "DHL Express";

	private static final Map<String, String> BY_COUNTRY = Map.of("DE", "DHL", "FR", "Colissimo", "NL", "PostNL", "GB",
			"Royal Mail", "US", "UPS");

	private Carriers() {
	}

	static String forCountry(String country) {
		if (country == null) {
			return INTERNATIONAL;
		}
		return BY_COUNTRY.getOrDefault(country.toUpperCase(Locale.ROOT), INTERNATIONAL);
	}

}
