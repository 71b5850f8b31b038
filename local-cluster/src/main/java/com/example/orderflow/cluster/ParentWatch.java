package com.example.orderflow.cluster;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs another main class, and ends this JVM when the launcher that started it is gone.
 * {@code ParentWatch <launcherPid> kafka.Kafka server.properties} makes a broker that
 * cannot outlive its launcher, even a launcher that was {@code kill -9}ed or a test JVM
 * that crashed: no orphaned brokers keep ports and disk busy.
 */
public final class ParentWatch {

	private static final Duration POLL = Duration.ofMillis(500);

	/**
	 * Enough for a broker's controlled shutdown when all nodes leave together (they all
	 * notice the launcher gone within one poll); after that the JVM halts.
	 */
	private static final Duration GRACE = Duration.ofSeconds(20);

	private ParentWatch() {
	}

	/**
	 * This JVM's classpath with absolute entries, for a child that runs one of its main
	 * classes (the child may run in another working directory).
	 */
	public static String childClasspath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isBlank())
			.map((entry) -> Path.of(entry).toAbsolutePath().toString())
			.collect(Collectors.joining(File.pathSeparator));
	}

	public static void main(String[] args) throws Throwable {
		if (args.length < 2) {
			System.err.println("Usage: ParentWatch <launcher pid> <main class> [arguments...]");
			System.exit(2);
		}
		long launcherPid = Long.parseLong(args[0]);
		Optional<ProcessHandle> launcher = ProcessHandle.of(launcherPid).filter(ProcessHandle::isAlive);
		if (launcher.isEmpty()) {
			System.err.println("Launcher " + launcherPid + " is already gone: not starting " + args[1]);
			Runtime.getRuntime().halt(1);
		}
		Thread watch = new Thread(() -> watch(launcher.get()), "parent-watch");
		watch.setDaemon(true);
		watch.start();
		Method main = Class.forName(args[1]).getMethod("main", String[].class);
		try {
			main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static void watch(ProcessHandle launcher) {
		try {
			while (launcher.isAlive()) {
				Thread.sleep(POLL.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		System.err.println("Launcher " + launcher.pid() + " is gone: shutting down");
		Thread halt = new Thread(ParentWatch::haltAfterGrace, "parent-watch-halt");
		halt.setDaemon(true);
		halt.start();
		// A normal exit runs the broker's shutdown hook, so the next start needs no log
		// recovery.
		System.exit(0);
	}

	private static void haltAfterGrace() {
		try {
			Thread.sleep(GRACE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Runtime.getRuntime().halt(1);
	}

}
