package com.example.orderflow.demo.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

class HostCpuTests {

	@Test
	void theMachinesCoresAreSplitIntoBusyIdleAndStolenAndAddUpToItsProcessors() {
		// user nice system idle iowait irq softirq steal guest guest_nice
		HostCpu before = HostCpu.parse(List.of("cpu  1000 0 200 5000 10 0 40 300 0 0", "cpu0 1 2 3 4 5 6 7 8 0 0"));
		HostCpu after = HostCpu.parse(List.of("cpu  1540 0 260 5040 10 0 40 460 77 0"));

		assertThat(before.coresUntil(after, 2)).containsExactly(entry("busy", 1.5), entry("idle", 0.1),
				entry("stolen by the host", 0.4));
	}

	@Test
	void noTimeBetweenTwoReadingsGivesNoFigures() {
		HostCpu reading = HostCpu.parse(List.of("cpu  1 2 3 4 5 6 7 8 0 0"));

		assertThat(reading.coresUntil(reading, 2)).isEmpty();
	}

	@Test
	void aStatWithoutTheMachinesCpuLineIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> HostCpu.parse(List.of("cpu0 1 2 3 4 5 6 7 8")));
		assertThatIllegalArgumentException().isThrownBy(() -> HostCpu.parse(List.of("cpu  1 2 3")));
	}

	@Test
	void thisMachinesStatCanBeRead() {
		assertThat(HostCpu.read()).hasValueSatisfying((reading) -> assertThat(reading.busy()).isPositive());
	}

}
