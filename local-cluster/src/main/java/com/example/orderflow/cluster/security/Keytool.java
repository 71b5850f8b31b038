package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code keytool} as a child process. Store passwords go through an environment
 * variable ({@code -storepass:env}), never the command line that {@code ps} shows.
 */
final class Keytool {

	private static final String PASSWORD_VARIABLE = "ORDERFLOW_KEYTOOL_STOREPASS";

	/**
	 * PKCS12 stores whose key, certificates and integrity check each take one round of
	 * their key derivation instead of the JDK's 10,000. Those rounds stretch a password a
	 * person could guess; ours are 32 random characters (187 bits), and every node opens
	 * its keystore once per listener and per client it runs (replication, its controller,
	 * the quorum) at each start: with 10,000 rounds that was a fifth of a secured node's
	 * CPU samples while the system started (JFR), 60-100 ms a load against 2-5 ms now.
	 */
	private static final List<String> ONE_ROUND_STORES = List.of("-J-Dkeystore.pkcs12.keyPbeIterationCount=1",
			"-J-Dkeystore.pkcs12.certPbeIterationCount=1", "-J-Dkeystore.pkcs12.macIterationCount=1");

	private final Path directory;

	Keytool(Path directory) {
		this.directory = directory;
	}

	/**
	 * Runs {@code keytool <arguments> -storepass:env ...} in the directory.
	 * @throws IllegalStateException with keytool's output if it fails
	 */
	void run(String storePassword, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		// Each call is a JVM start: C1 only makes it start sooner.
		command.add("-J-XX:TieredStopAtLevel=1");
		command.addAll(ONE_ROUND_STORES);
		command.addAll(List.of(arguments));
		command.add("-storepass:env");
		command.add(PASSWORD_VARIABLE);
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true);
		builder.environment().put(PASSWORD_VARIABLE, storePassword);
		try {
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool " + arguments[0] + " did not finish in 60 s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run keytool", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
