package com.example.orderflow.demo.tour;

import java.util.function.Function;

import com.example.orderflow.demo.drill.DrillReport;

/** A step that is one of the verified drills, its steps the evidence. */
final class DrillStep implements TourStep {

	private final String idea;

	private final String explanation;

	private final Function<TourContext, DrillReport> drill;

	DrillStep(String idea, String explanation, Function<TourContext, DrillReport> drill) {
		this.idea = idea;
		this.explanation = explanation;
		this.drill = drill;
	}

	@Override
	public String idea() {
		return this.idea;
	}

	@Override
	public String explanation() {
		return this.explanation;
	}

	@Override
	public Verdict show(TourContext context) {
		DrillReport report = this.drill.apply(context);
		context.print(report.render());
		long passed = report.steps().stream().filter(DrillReport.Step::passed).count();
		String failed = report.steps()
			.stream()
			.filter((step) -> !step.passed())
			.map((step) -> step.name() + ": " + step.detail())
			.findFirst()
			.orElse("");
		return Verdict.of(report.passed(), report.passed()
				? "%d of %d checks passed; %s".formatted(passed, report.steps().size(), summary(report)) : failed);
	}

	private static String summary(DrillReport report) {
		var numbers = report.numbers();
		if (numbers.containsKey("orders sent")) {
			return "orders sent %s, acknowledged %s, duplicates %s, missing %s, longest wait %s s".formatted(
					numbers.get("orders sent"), numbers.get("acknowledged"), numbers.get("duplicates"),
					numbers.get("missing"), numbers.get("stall seconds"));
		}
		return String.join(", ", report.steps().stream().map(DrillReport.Step::name).toList());
	}

}
