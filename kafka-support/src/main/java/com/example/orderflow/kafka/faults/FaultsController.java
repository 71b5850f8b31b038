package com.example.orderflow.kafka.faults;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Switches fault injection at runtime, on the service's own port: actuator stays limited
 * to health, info and metrics.
 */
@RestController
@RequestMapping("/admin/faults")
class FaultsController {

	private final FaultInjection faults;

	FaultsController(FaultInjection faults) {
		this.faults = faults;
	}

	@GetMapping
	Faults current() {
		return Faults.of(this.faults);
	}

	/** Replaces all three settings; a field left out is off (or 1, for the failures). */
	@PutMapping
	Faults change(@RequestBody FaultsChange change) {
		this.faults.apply(change.toSettings());
		return Faults.of(this.faults);
	}

	@DeleteMapping
	Faults switchOff() {
		this.faults.apply(FaultSettings.OFF);
		return Faults.of(this.faults);
	}

	@ExceptionHandler({ IllegalArgumentException.class, HttpMessageNotReadableException.class })
	ResponseEntity<ProblemDetail> invalid(Exception ex) {
		String detail = (ex instanceof IllegalArgumentException) ? ex.getMessage()
				: "The body must be JSON like {\"transientShare\": 0.2, \"transientFailures\": 1, \"permanentMarker\": \"poison\"}";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Invalid fault settings");
		return ResponseEntity.of(problem).build();
	}

	/**
	 * The settings in force and what they did so far.
	 *
	 * @param transientShare the share of events that fail transiently
	 * @param transientFailures how many deliveries of such an event fail
	 * @param permanentMarker the marker of events that always fail, or null
	 * @param injected deliveries failed on purpose since start-up, by kind
	 */
	record Faults(double transientShare, int transientFailures, @Nullable String permanentMarker,
			Map<String, Long> injected) {

		static Faults of(FaultInjection faults) {
			FaultSettings settings = faults.settings();
			return new Faults(settings.transientShare(), settings.transientFailures(), settings.permanentMarker(),
					faults.injectedCounts());
		}

	}

	/** The body of a {@code PUT}: boxed, so that a field left out can be told apart. */
	record FaultsChange(@Nullable Double transientShare, @Nullable Integer transientFailures,
			@Nullable String permanentMarker) {

		FaultSettings toSettings() {
			return new FaultSettings((this.transientShare != null) ? this.transientShare : 0,
					(this.transientFailures != null) ? this.transientFailures : 1, this.permanentMarker);
		}

	}

}
