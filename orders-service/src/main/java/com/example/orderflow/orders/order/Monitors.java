package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one bounded wait of this package: for a condition that the thread which changes it
 * announces with {@code notifyAll} on the same monitor ({@link OrderLog}'s reader,
 * {@link OrderOwnership}'s member).
 */
final class Monitors {

	private Monitors() {
	}

	/**
	 * Waits on the monitor until the condition holds, checked under the monitor.
	 * @return whether it held within the time given
	 */
	static boolean await(Object monitor, BooleanSupplier condition, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		synchronized (monitor) {
			while (!condition.getAsBoolean()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(monitor, left);
			}
			return true;
		}
	}

}
