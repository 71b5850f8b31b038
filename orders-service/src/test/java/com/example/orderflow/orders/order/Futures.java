package com.example.orderflow.orders.order;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** For tests of the domain, whose answers are futures. */
final class Futures {

	private Futures() {
	}

	/**
	 * Waits for the future and returns its value, or throws what it failed with, as a
	 * caller of a blocking method would see it.
	 */
	static <T> T joined(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
