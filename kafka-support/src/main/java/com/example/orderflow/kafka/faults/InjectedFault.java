package com.example.orderflow.kafka.faults;

/**
 * A failure that {@link FaultInjection} made up. Deliberately a plain, retryable runtime
 * exception, so a faulted record takes exactly the path a real failure would.
 */
public class InjectedFault extends RuntimeException {

	InjectedFault(String message) {
		super(message);
	}

}
