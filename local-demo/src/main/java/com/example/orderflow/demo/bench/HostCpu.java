package com.example.orderflow.demo.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole machine's CPU, from the {@code cpu} line of {@code /proc/stat}: what every
 * process used, what stood idle and what the host of a virtual machine took for others
 * ("steal"). The per-process figures of a step only say where the CPU went; these say how
 * much there was. On the 2-core machines the host took up to 30% of it in some runs and
 * next to nothing in others, which is why a step's figures are only comparable with a
 * step that had the same CPU.
 */
record HostCpu(long busy, long idle, long stolen) {

	/** Now, or empty where there is no {@code /proc/stat}. */
	static Optional<HostCpu> read() {
		try {
			return Optional.of(parse(Files.readAllLines(Path.of("/proc/stat"))));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The first line of a {@code /proc/stat} text: user nice system idle iowait irq
	 * softirq steal (guest time is already counted in user and nice).
	 */
	static HostCpu parse(List<String> stat) {
		String line = stat.stream()
			.filter((candidate) -> candidate.startsWith("cpu "))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No cpu line in /proc/stat"));
		long[] ticks = Arrays.stream(line.substring(4).trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
		if (ticks.length < 8) {
			throw new IllegalArgumentException("Fewer than 8 figures on the cpu line: " + line);
		}
		return new HostCpu(ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6], ticks[3] + ticks[4], ticks[7]);
	}

	/**
	 * Cores busy, idle and stolen between this reading and a later one, as shares of the
	 * machine's {@code processors}: they add up to it.
	 */
	Map<String, Double> coresUntil(HostCpu later, int processors) {
		long busy = later.busy - this.busy;
		long idle = later.idle - this.idle;
		long stolen = later.stolen - this.stolen;
		double total = busy + idle + stolen;
		Map<String, Double> cores = new LinkedHashMap<>();
		if (total > 0) {
			cores.put("busy", round(busy / total * processors));
			cores.put("idle", round(idle / total * processors));
			cores.put("stolen by the host", round(stolen / total * processors));
		}
		return cores;
	}

	private static double round(double cores) {
		return Math.round(cores * 100) / 100.0;
	}

}
