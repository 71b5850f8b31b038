package com.example.orderflow.cluster.process;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops processes together: SIGTERM to all of them at once, a grace period, then SIGKILL
 * for whatever is left. Together matters for Kafka: a KRaft node stopped after its peers
 * waits for a quorum that is gone and never finishes its controlled shutdown.
 */
public final class Termination {

	private static final Duration AFTER_KILL = Duration.ofSeconds(10);

	private Termination() {
	}

	/**
	 * Stops the processes and waits for them.
	 * @return the processes that needed SIGKILL (empty if all stopped in time)
	 */
	public static List<ProcessHandle> together(Collection<ProcessHandle> processes, Duration grace) {
		List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).toList();
		alive.forEach(ProcessHandle::destroy);
		awaitExit(alive, grace);
		List<ProcessHandle> stubborn = alive.stream().filter(ProcessHandle::isAlive).toList();
		stubborn.forEach(ProcessHandle::destroyForcibly);
		awaitExit(stubborn, AFTER_KILL);
		return stubborn;
	}

	/**
	 * {@code kill -9} of one process, and a wait of up to 10 s until it is gone: no
	 * graceful shutdown, nothing finished on the way out.
	 */
	public static void kill(Process process) {
		process.destroyForcibly();
		try {
			process.waitFor(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
		if (processes.isEmpty()) {
			return;
		}
		CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// The caller checks which are still alive.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
