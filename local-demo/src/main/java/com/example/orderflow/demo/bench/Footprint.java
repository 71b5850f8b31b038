package com.example.orderflow.demo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Resident memory of a process, from {@code /proc/<pid>/status}. */
final class Footprint {

	private Footprint() {
	}

	/** VmRSS in MB, or empty where there is no /proc or the process is gone. */
	static OptionalLong residentMegabytes(long pid) {
		try {
			return residentMegabytes(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
		}
		catch (IOException ex) {
			return OptionalLong.empty();
		}
	}

	/** The VmRSS line of a {@code /proc/<pid>/status} text, in MB. */
	static OptionalLong residentMegabytes(List<String> status) {
		return status.stream()
			.filter((line) -> line.startsWith("VmRSS:"))
			.map((line) -> line.substring("VmRSS:".length()).trim().split("\\s+")[0])
			.mapToLong((kilobytes) -> Long.parseLong(kilobytes) / 1024)
			.findFirst();
	}

}
