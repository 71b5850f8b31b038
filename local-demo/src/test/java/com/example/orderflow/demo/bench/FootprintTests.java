package com.example.orderflow.demo.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FootprintTests {

	@Test
	void residentMemoryIsVmRssInMegabytes() {
		List<String> status = List.of("Name:\tjava", "VmPeak:\t 5000000 kB", "VmRSS:\t  372736 kB",
				"RssAnon:\t  350000 kB");

		assertThat(Footprint.residentMegabytes(status)).hasValue(364);
	}

	@Test
	void noVmRssLineIsNoFigure() {
		assertThat(Footprint.residentMegabytes(List.of("Name:\tzombie"))).isEmpty();
	}

}
