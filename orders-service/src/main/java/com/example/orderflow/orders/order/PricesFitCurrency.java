package com.example.orderflow.orders.order;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.util.Currency;

import com.example.orderflow.events.Money;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Every unit price has no more decimal places than the order's currency has minor units
 * (2 for EUR, 0 for JPY, 3 for BHD; 2 while the currency is unknown). {@link Money} would
 * otherwise round the price silently. Each violation names its line:
 * {@code lines[1].unitPrice}.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = PricesFitCurrency.Validator.class)
@interface PricesFitCurrency {

	String message() default "has more decimal places than the currency allows";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	class Validator implements ConstraintValidator<PricesFitCurrency, PlaceOrderRequest> {

		private static final int FALLBACK_DIGITS = 2;

		@Override
		public boolean isValid(PlaceOrderRequest request, ConstraintValidatorContext context) {
			if (request == null || request.lines() == null) {
				return true;
			}
			boolean known = Money.isKnownCurrency(request.currency());
			int digits = known ? Math.max(Currency.getInstance(request.currency()).getDefaultFractionDigits(), 0)
					: FALLBACK_DIGITS;
			// Built only from a number and a known ISO code, never from caller input: a
			// message template is interpolated.
			String message = (known) ? "must have at most " + digits + " decimal places in " + request.currency()
					: "must have at most " + digits + " decimal places";
			boolean valid = true;
			for (int i = 0; i < request.lines().size(); i++) {
				PlaceOrderRequest.Line line = request.lines().get(i);
				if (line != null && line.unitPrice() != null && decimalPlaces(line.unitPrice()) > digits) {
					if (valid) {
						context.disableDefaultConstraintViolation();
						valid = false;
					}
					context.buildConstraintViolationWithTemplate(message)
						.addPropertyNode("lines")
						.addPropertyNode("unitPrice")
						.inIterable()
						.atIndex(i)
						.addConstraintViolation();
				}
			}
			return valid;
		}

		/**
		 * Trailing zeros add no precision: {@code 12.500} counts as {@code 12.5}, one
		 * place.
		 */
		private static int decimalPlaces(BigDecimal amount) {
			return Math.max(amount.stripTrailingZeros().scale(), 0);
		}

	}

}
