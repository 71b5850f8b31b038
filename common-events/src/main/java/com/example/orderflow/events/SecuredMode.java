package com.example.orderflow.events;

/**
 * How a service learns, in secured mode, who it is on the cluster: the names of the
 * profile and environment variables that the launcher sets and the services read. The
 * values (a password among them) are never in the repository.
 */
public final class SecuredMode {

	/** The Spring profile that switches a service's Kafka clients to SASL_SSL. */
	public static final String PROFILE = "secure";

	/** The service's SCRAM user name: its principal. */
	public static final String USERNAME_VARIABLE = "ORDERFLOW_KAFKA_USERNAME";

	/**
	 * The service's SCRAM password: in the environment, which {@code ps} does not show to
	 * other users, never on the command line.
	 */
	public static final String PASSWORD_VARIABLE = "ORDERFLOW_KAFKA_PASSWORD";

	/** The PEM file of the CA that signed the brokers' certificate. */
	public static final String TRUSTSTORE_VARIABLE = "ORDERFLOW_KAFKA_TRUSTSTORE";

	/**
	 * The user name of billing's comparison, which reads as a principal of its own beside
	 * billing-v2 (billing's {@code billing.comparison.principal.username}).
	 */
	public static final String COMPARISON_USERNAME_VARIABLE = "BILLING_COMPARISON_PRINCIPAL_USERNAME";

	/** Its password. */
	public static final String COMPARISON_PASSWORD_VARIABLE = "BILLING_COMPARISON_PRINCIPAL_PASSWORD";

	/** The only SASL mechanism the brokers accept. */
	public static final String MECHANISM = "SCRAM-SHA-512";

	private SecuredMode() {
	}

}
