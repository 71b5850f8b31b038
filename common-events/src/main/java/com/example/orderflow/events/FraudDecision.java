package com.example.orderflow.events;

/** The outcome of a fraud assessment. */
public enum FraudDecision {

	/** Low risk: the order goes ahead. */
	APPROVED,

	/** Medium risk: a person should look at it. */
	REVIEW,

	/** High risk: the order should not be fulfilled. */
	REJECTED

}
