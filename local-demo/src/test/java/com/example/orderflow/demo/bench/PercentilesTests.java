package com.example.orderflow.demo.bench;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilesTests {

	@Test
	void nearestRankOfOneToAThousandIsTheSampleAtThatRank() {
		double[] samples = IntStream.rangeClosed(1, 1000).mapToDouble((i) -> 1001 - i).toArray();

		Percentiles percentiles = Percentiles.of(samples);

		assertThat(percentiles.count()).isEqualTo(1000);
		assertThat(percentiles.p50()).isEqualTo(500);
		assertThat(percentiles.p99()).isEqualTo(990);
		assertThat(percentiles.p999()).isEqualTo(999);
		assertThat(percentiles.max()).isEqualTo(1000);
	}

	@Test
	void aFewSamplesGiveTheHighestForTheHighPercentiles() {
		Percentiles percentiles = Percentiles.of(List.of(3.0, 1.0, 2.0));

		assertThat(percentiles.p50()).isEqualTo(2);
		assertThat(percentiles.p99()).isEqualTo(3);
		assertThat(percentiles.p999()).isEqualTo(3);
	}

	@Test
	void oneSlowRequestInAHundredIsNotTheP99ButIsTheP999() {
		double[] samples = IntStream.range(0, 100).mapToDouble((i) -> (i == 42) ? 900 : 5).toArray();

		Percentiles percentiles = Percentiles.of(samples);

		assertThat(percentiles.p99()).isEqualTo(5);
		assertThat(percentiles.p999()).isEqualTo(900);
	}

	@Test
	void noSamplesIsCountZeroNotAnError() {
		assertThat(Percentiles.of()).isEqualTo(Percentiles.NONE);
		assertThat(Percentiles.of(List.of()).count()).isZero();
	}

	@Test
	void theCallersArrayIsLeftUnsorted() {
		double[] samples = { 3, 1, 2 };

		Percentiles.of(samples);

		assertThat(samples).containsExactly(3, 1, 2);
	}

}
