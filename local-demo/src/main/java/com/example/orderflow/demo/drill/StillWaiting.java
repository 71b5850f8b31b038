package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.function.Consumer;

/** Says every few seconds what a long wait is waiting for, and for how long so far. */
final class StillWaiting {

	private static final Duration EVERY = Duration.ofSeconds(5);

	private final String what;

	private final Consumer<String> progress;

	private final long started = System.nanoTime();

	private long nextNote = this.started + EVERY.toNanos();

	StillWaiting(String what, Consumer<String> progress) {
		this.what = what;
		this.progress = progress;
	}

	/** Call on each round of the wait: says so once the last note is 5 s old. */
	void note() {
		if (System.nanoTime() > this.nextNote) {
			this.nextNote = System.nanoTime() + EVERY.toNanos();
			this.progress
				.accept("  waiting for %s (%.0f s)".formatted(this.what, (System.nanoTime() - this.started) / 1e9));
		}
	}

}
