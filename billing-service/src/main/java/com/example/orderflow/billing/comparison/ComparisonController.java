package com.example.orderflow.billing.comparison;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The comparison over HTTP, on the service's own port. */
@RestController
@RequestMapping("/admin/billing/comparison")
@ConditionalOnBooleanProperty(ComparisonConfiguration.ENABLED)
class ComparisonController {

	private final Comparisons comparisons;

	private final ComparisonProperties properties;

	private final Clock clock = Clock.systemUTC();

	ComparisonController(Comparisons comparisons, ComparisonProperties properties) {
		this.comparisons = comparisons;
		this.properties = properties;
	}

	@GetMapping
	ComparisonSummary summary() {
		return this.comparisons.summary(this.clock.instant());
	}

	/** The latest differences, newest first; at most the number kept. */
	@GetMapping("/differences")
	List<Difference> differences(@RequestParam(name = "limit", defaultValue = "20") int limit) {
		return this.comparisons.latestDifferences(Math.min(limit, this.properties.keptDifferences()));
	}

	@GetMapping("/orders/{orderId}")
	ResponseEntity<OrderView> order(@PathVariable("orderId") UUID orderId) {
		return ResponseEntity.of(this.comparisons.find(orderId)
			.map((order) -> OrderView.of(order, order.classify(this.clock.instant(), this.comparisons.grace()))));
	}

}
