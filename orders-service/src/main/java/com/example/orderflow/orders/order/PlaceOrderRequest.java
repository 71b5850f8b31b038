package com.example.orderflow.orders.order;

import java.math.BigDecimal;
import java.util.List;

import com.example.orderflow.events.Money;
import com.example.orderflow.events.OrderLine;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/orders}. Amounts are {@link BigDecimal}s, read from JSON
 * strings or numbers without ever passing through a {@code double}.
 *
 * @param customerId who orders
 * @param currency ISO 4217 code of every amount
 * @param shippingCountry ISO 3166-1 alpha-2 country it ships to
 * @param lines what is ordered
 */
@PricesFitCurrency
record PlaceOrderRequest(
		// Any script is fine, but control characters would let a caller forge log lines,
		// bidirectional overrides would let it disguise them, and an unpaired surrogate
		// is
		// not text (it has no UTF-8 form). Invisible characters that scripts need, such
		// as
		// a zero-width joiner inside an emoji, are fine; an id of nothing but them is
		// not.
		@NotBlank @Size(max = 100) @Pattern(regexp = "[^\\p{Cc}\\p{Cs}\\u202A-\\u202E\\u2066-\\u2069]*",
				message = "must not contain control characters, bidirectional overrides or unpaired surrogates") @Pattern(
						regexp = "(?s)\\s*|.*[\\p{L}\\p{N}\\p{P}\\p{S}].*",
						message = "must contain a visible character") String customerId,
		@NotNull @CurrencyCode String currency, @NotNull @CountryCode String shippingCountry,
		@NotNull @Size(min = 1, max = 100) List<@NotNull @Valid Line> lines) {

	/** Only call on a request that passed validation. */
	PlaceOrder toCommand() {
		return new PlaceOrder(this.customerId, this.currency, this.shippingCountry,
				this.lines.stream().map((line) -> line.toOrderLine(this.currency)).toList());
	}

	/**
	 * One line of the request.
	 *
	 * @param sku the stock keeping unit
	 * @param quantity how many
	 * @param unitPrice the price of one unit, in the order's currency
	 */
	record Line(@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
			message = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit") String sku,
			@NotNull @Min(1) @Max(1000) Integer quantity,
			// The upper bound also keeps absurd values like 1E+999999999 from ever being
			// expanded into digits.
			@NotNull @Positive @DecimalMax(value = "1000000000", inclusive = false) BigDecimal unitPrice) {

		OrderLine toOrderLine(String currency) {
			return new OrderLine(this.sku, this.quantity, new Money(this.unitPrice, currency));
		}

	}

}
