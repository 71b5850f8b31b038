package com.example.orderflow.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NativeHeapTrimTests {

	@Test
	void onlyTheReleasesThatHaveTheFlagGetIt() {
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("17.0.8"))).isEmpty();
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("17.0.9"))).containsExactly(NativeHeapTrim.FLAG);
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("17.0.15+6"))).containsExactly(NativeHeapTrim.FLAG);
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("18.0.2"))).isEmpty();
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("20"))).isEmpty();
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("21"))).isEmpty();
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("21.0.1"))).containsExactly(NativeHeapTrim.FLAG);
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("22"))).containsExactly(NativeHeapTrim.FLAG);
		assertThat(NativeHeapTrim.jvmFlags(Runtime.Version.parse("25.0.1"))).containsExactly(NativeHeapTrim.FLAG);
	}

	/**
	 * The rule holds for the JVM that runs the brokers: it starts with what it is given.
	 */
	@Test
	void thisJvmStartsWithTheFlagsItIsGiven() throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-XX:+UnlockDiagnosticVMOptions");
		command.add("-XX:+PrintFlagsFinal");
		command.addAll(NativeHeapTrim.jvmFlags(Runtime.version()));
		command.add("-version");
		Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(java.getInputStream().readAllBytes());
		assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(java.exitValue()).as(output).isZero();
		if (NativeHeapTrim.isSupported(Runtime.version())) {
			assertThat(output).containsPattern("TrimNativeHeapInterval\\s+= 5000 ");
		}
		else {
			assertThat(output).doesNotContain("TrimNativeHeapInterval");
		}
	}

}
