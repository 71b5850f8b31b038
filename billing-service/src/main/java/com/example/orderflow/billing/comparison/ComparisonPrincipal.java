package com.example.orderflow.billing.comparison;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * In secured mode, the principal the comparison's consumers authenticate as
 * ({@code billing.comparison.principal.*}, from the environment in practice): a principal
 * of its own, so reading both invoice topics and the comparison's state is granted to the
 * comparison, not to the billing-v2 consumers beside it. Unset, the comparison reads with
 * the service's own settings.
 *
 * @param username the SCRAM user name
 * @param password its password
 */
@ConfigurationProperties("billing.comparison.principal")
record ComparisonPrincipal(@Nullable String username, @Nullable String password) {

	boolean isSet() {
		return this.username != null && !this.username.isBlank();
	}

	/** The {@code sasl.jaas.config} of this principal for the SCRAM mechanism. */
	String jaasConfig() {
		return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + this.username
				+ "\" password=\"" + this.password + "\";";
	}

	@Override
	public String toString() {
		return "ComparisonPrincipal[username=" + this.username + "]";
	}

}
