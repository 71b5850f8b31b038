package com.example.orderflow.demo.tour;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TourTests {

	@Test
	void walksThroughTenIdeasEachExplained() {
		assertThat(Tour.steps()).hasSize(10)
			.allSatisfy((step) -> assertThat(step.explanation()).isNotBlank())
			.extracting(TourStep::idea)
			.doesNotHaveDuplicates()
			.satisfies((ideas) -> {
				assertThat(ideas.get(0)).startsWith("topics");
				assertThat(ideas.get(1)).startsWith("keys");
				assertThat(ideas.get(5)).startsWith("a share group");
				assertThat(ideas.get(8)).startsWith("blue/green");
				assertThat(ideas.get(9)).startsWith("exactly-once");
			});
	}

}
