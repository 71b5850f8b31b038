package com.example.orderflow.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * An exact amount in an ISO 4217 currency. On the wire the amount is a decimal string
 * ({@code "12.50"}), never a binary floating point number.
 *
 * @param amount the amount, scaled to the currency's minor units
 * @param currency the ISO 4217 code, for example {@code EUR}
 */
public record Money(@JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount, String currency) {

	public Money {
		Objects.requireNonNull(amount, "amount");
		Objects.requireNonNull(currency, "currency");
		Currency known = Currency.getInstance(currency);
		// The JVM's one instance of the code, not the copy each event's JSON brought: the
		// services that keep amounts in memory hold each code once, not once per amount.
		currency = known.getCurrencyCode();
		int digits = known.getDefaultFractionDigits();
		amount = amount.setScale(Math.max(digits, 0), RoundingMode.HALF_EVEN);
	}

	public static Money of(String amount, String currency) {
		return new Money(new BigDecimal(amount), currency);
	}

	public static Money zero(String currency) {
		return new Money(BigDecimal.ZERO, currency);
	}

	public Money plus(Money other) {
		requireSameCurrency(other);
		return new Money(this.amount.add(other.amount), this.currency);
	}

	public Money times(int quantity) {
		return new Money(this.amount.multiply(BigDecimal.valueOf(quantity)), this.currency);
	}

	/**
	 * This amount times a rate (for example a tax rate), rounded half-even to minor
	 * units.
	 */
	public Money times(BigDecimal rate) {
		return new Money(this.amount.multiply(rate), this.currency);
	}

	private void requireSameCurrency(Money other) {
		if (!this.currency.equals(other.currency)) {
			throw new IllegalArgumentException("Currency mismatch: " + this.currency + " and " + other.currency);
		}
	}

	/** True if the code is a known ISO 4217 currency. */
	public static boolean isKnownCurrency(String code) {
		if (code == null) {
			return false;
		}
		try {
			return Currency.getInstance(code).getCurrencyCode().equals(code);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
