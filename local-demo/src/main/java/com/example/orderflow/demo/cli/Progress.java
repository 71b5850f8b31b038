package com.example.orderflow.demo.cli;

import java.io.PrintStream;
import java.util.function.Consumer;

/** Progress lines stamped with the seconds since the command started. */
final class Progress implements Consumer<String> {

	private final PrintStream out;

	private final long started = System.nanoTime();

	Progress(PrintStream out) {
		this.out = out;
	}

	@Override
	public void accept(String line) {
		this.out.printf("[%6.1f s] %s%n", seconds(), line);
		this.out.flush();
	}

	double seconds() {
		return (System.nanoTime() - this.started) / 1e9;
	}

}
