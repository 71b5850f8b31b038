package com.example.orderflow.orders.order;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The two things this package does with the futures of its commits: wait for one where a
 * caller must block (a cancellation), and name what one failed with.
 */
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

	/**
	 * What a stage failed with: a dependent stage wraps its source's failure in a
	 * {@link CompletionException}.
	 */
	static Throwable cause(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
