package com.example.orderflow.billing.invoice;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Tax rate by shipping country (ISO 3166-1 alpha-2). A small, illustrative table: a real
 * one depends on the product and changes over time, which is why it would be data, not
 * code.
 */
final class TaxRates {

	/** What a country that is not in the table is charged. */
	static final BigDecimal DEFAULT_RATE = new BigDecimal("0.20");

	private static final Map<String, BigDecimal> BY_COUNTRY = Map.of("DE", new BigDecimal("0.19"), "FR",
			new BigDecimal("0.20"), "NL", new BigDecimal("0.21"), "GB", new BigDecimal("0.20"), "US", BigDecimal.ZERO);

	private TaxRates() {
	}

	static BigDecimal forCountry(String country) {
		if (country == null) {
			return DEFAULT_RATE;
		}
		return BY_COUNTRY.getOrDefault(country.toUpperCase(Locale.ROOT), DEFAULT_RATE);
	}

}
