package com.example.orderflow.demo.tour;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TourTests {

	@Test
	void walksThroughNineIdeasEachExplained() {
		assertThat(Tour.steps()).hasSize(9)
			.allSatisfy((step) -> assertThat(step.explanation()).isNotBlank())
			.extracting(TourStep::idea)
			.doesNotHaveDuplicates()
			.satisfies((ideas) -> {
				assertThat(ideas.get(0)).startsWith("topics");
				assertThat(ideas.get(1)).startsWith("keys");
				assertThat(ideas.get(7)).startsWith("blue/green");
				assertThat(ideas.get(8)).startsWith("exactly-once");
			});
	}

}
