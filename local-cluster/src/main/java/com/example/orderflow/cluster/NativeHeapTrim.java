package com.example.orderflow.cluster;

import java.util.List;

/**
 * Gives a broker's freed native memory back to the system. A broker's socket I/O goes
 * through temporary direct buffers as large as its biggest requests and responses; freed,
 * glibc keeps their memory in its arenas, and the process's RSS stays at its peak.
 * Measured on the 2-core machine after 400,000 records of 500 B at full speed into the
 * demo's cluster: NMT counted 581 MB committed in a broker whose RSS was 707 MB, and one
 * {@code jcmd <pid> System.trim_native_heap} took its RSS down by 149 MB (by 40 and 110
 * MB in the other two); a service's gave back 7-10 MB. So the brokers ask the JVM to trim
 * every few seconds.
 * <p>
 * The flag came with JDK 17.0.9 and 21.0.1, and every feature release from 22 on; another
 * JVM would refuse to start with it, so it is added only where it exists.
 */
final class NativeHeapTrim {

	/** Seconds apart, as the JDK suggests: a trim costs a walk over the arenas. */
	static final String FLAG = "-XX:TrimNativeHeapInterval=5000";

	private NativeHeapTrim() {
	}

	/**
	 * The JVM flags that trim the native heap periodically on a JVM of this version, none
	 * where it has no such flag.
	 */
	static List<String> jvmFlags(Runtime.Version version) {
		return isSupported(version) ? List.of(FLAG) : List.of();
	}

	static boolean isSupported(Runtime.Version version) {
		return switch (version.feature()) {
			case 17 -> version.update() >= 9;
			case 21 -> version.update() >= 1;
			default -> version.feature() >= 22;
		};
	}

}
