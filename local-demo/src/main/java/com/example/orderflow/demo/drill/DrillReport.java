package com.example.orderflow.demo.drill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.example.orderflow.demo.status.TextTable;

/**
 * What a drill checked, step by step, and its numbers: each step is told as it happens (✓
 * or ✗) and the whole is a table with a verdict at the end.
 */
public final class DrillReport {

	private final String drill;

	private final Consumer<String> progress;

	private final long started = System.nanoTime();

	private final List<Step> steps = new ArrayList<>();

	private final Map<String, Object> numbers = new LinkedHashMap<>();

	/** Drills of other packages ({@code demo.groups}) report the same way. */
	public DrillReport(String drill, Consumer<String> progress) {
		this.drill = drill;
		this.progress = progress;
	}

	/** One verified step. */
	public record Step(String name, boolean passed, double atSeconds, String detail) {
	}

	/** Records a step and tells it. */
	public boolean check(String name, boolean passed, String detail) {
		double at = seconds();
		this.steps.add(new Step(name, passed, at, detail));
		this.progress.accept("%s %-28s %s".formatted(passed ? "✓" : "✗", name, detail));
		return passed;
	}

	/** A step that could not run to its check, with why. */
	public void failed(String name, RuntimeException ex) {
		check(name, false, "failed: " + ex.getMessage());
	}

	public void number(String name, Object value) {
		this.numbers.put(name, value);
	}

	public double seconds() {
		return (System.nanoTime() - this.started) / 1e9;
	}

	public String drill() {
		return this.drill;
	}

	public List<Step> steps() {
		return List.copyOf(this.steps);
	}

	/** The numbers the drill measured, by name: "orders sent", "duplicates", ... */
	public Map<String, Object> numbers() {
		return Map.copyOf(this.numbers);
	}

	public boolean passed() {
		return !this.steps.isEmpty() && this.steps.stream().allMatch(Step::passed);
	}

	/** The steps as a table, the numbers, and the verdict. */
	public String render() {
		TextTable table = new TextTable();
		for (Step step : this.steps) {
			table.row(step.passed() ? "✓" : "✗", step.name(), "%.1f s".formatted(step.atSeconds()), step.detail());
		}
		StringBuilder text = new StringBuilder();
		text.append("  drill: ").append(this.drill).append(System.lineSeparator());
		text.append(table.render("  "));
		if (!this.numbers.isEmpty()) {
			text.append("  numbers:");
			this.numbers.forEach((name, value) -> text.append(" ").append(name).append(" ").append(value).append(";"));
			text.append(System.lineSeparator());
		}
		long passed = this.steps.stream().filter(Step::passed).count();
		text.append("  %s: %d of %d steps passed in %.1f s%n".formatted(passed() ? "PASS" : "FAIL", passed,
				this.steps.size(), seconds()));
		return text.toString();
	}

}
