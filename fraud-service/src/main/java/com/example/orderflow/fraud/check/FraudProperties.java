package com.example.orderflow.fraud.check;

import java.math.BigDecimal;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The tunable part of the fraud rules, so risk analysts change limits without a release.
 *
 * @param highOrderValueOver an order total above this is a risk (in the order's currency)
 * @param bulkQuantityOver a line quantity above this is a risk
 * @param highRiskCountries shipping countries (ISO 3166-1 alpha-2) that are a risk
 * @param blockListPrefix customer ids starting with this are on the block list
 * @param frequentCancellationsOver more cancelled orders than this make a customer a risk
 * @param reviewAt the score from which a person reviews the order
 * @param rejectAt the score from which the order is rejected
 */
@ConfigurationProperties("fraud")
record FraudProperties(@DefaultValue("1000") BigDecimal highOrderValueOver, @DefaultValue("20") int bulkQuantityOver,
		@DefaultValue( {
				"KP", "IR", "SY" }) Set<String> highRiskCountries,
		@DefaultValue("blocked-") String blockListPrefix, @DefaultValue("3") int frequentCancellationsOver,
		@DefaultValue("40") int reviewAt, @DefaultValue("70") int rejectAt){

	FraudProperties {
		highRiskCountries = Set.copyOf(highRiskCountries);
		if (reviewAt > rejectAt) {
			throw new IllegalArgumentException(
					"fraud.review-at (" + reviewAt + ") must not be above fraud.reject-at (" + rejectAt + ")");
		}
	}

}
