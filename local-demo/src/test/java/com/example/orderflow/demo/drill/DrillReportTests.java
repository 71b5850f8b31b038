package com.example.orderflow.demo.drill;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrillReportTests {

	@Test
	void passesOnlyWhenEveryStepPassedAndSaysSo() {
		List<String> told = new ArrayList<>();
		DrillReport report = new DrillReport("a drill", told::add);
		report.check("first", true, "seen");
		report.number("duplicates", 0);
		assertThat(report.passed()).isTrue();
		report.check("second", false, "not seen");
		assertThat(report.passed()).isFalse();
		assertThat(told).hasSize(2).first().asString().startsWith("✓ first");
		assertThat(report.render()).contains("second").contains("duplicates 0;").contains("FAIL: 1 of 2 steps passed");
	}

	@Test
	void aDrillWithoutStepsDidNotPass() {
		assertThat(new DrillReport("empty", (line) -> {
		}).passed()).isFalse();
	}

}
