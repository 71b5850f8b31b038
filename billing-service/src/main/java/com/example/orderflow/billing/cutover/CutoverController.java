package com.example.orderflow.billing.cutover;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.example.orderflow.billing.invoice.BillingVersion;
import com.example.orderflow.billing.invoice.BillingWriter;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The live billing writer over HTTP, on every billing instance: {@code GET} says which
 * version writes {@code invoices}, {@code PUT {"version":"v2"}} cuts over (and
 * {@code {"version":"v1"}} rolls back).
 */
@RestController
@RequestMapping("/admin/billing/live-writer")
class CutoverController {

	private final BillingCutover cutover;

	private final LiveWriterSwitch liveSwitch;

	private final BillingWriter writer;

	CutoverController(BillingCutover cutover, LiveWriterSwitch liveSwitch, BillingWriter writer) {
		this.cutover = cutover;
		this.liveSwitch = liveSwitch;
		this.writer = writer;
	}

	@GetMapping
	LiveWriterView current() {
		return new LiveWriterView(this.cutover.current(),
				new InstanceView(this.writer.version().label(), this.writer.role().name().toLowerCase(Locale.ROOT),
						this.writer.group(), this.writer.isLive() ? this.liveSwitch.consuming() : true));
	}

	@PutMapping
	CutoverReport switchTo(@RequestBody Map<String, String> body) {
		String version = body.get("version");
		BillingVersion target;
		try {
			target = BillingVersion.of(version);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidVersionException(version);
		}
		return this.cutover.switchTo(target);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> refused(CutoverRefusedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Cut-over refused");
		return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> invalid(InvalidVersionException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"version must be v1 or v2, got " + ex.version);
		problem.setTitle("Invalid cut-over request");
		problem.setProperty("errors", List.of(Map.of("field", "version", "message", "must be v1 or v2")));
		return ResponseEntity.badRequest().body(problem);
	}

	/**
	 * The live-writer record and how this instance follows it.
	 *
	 * @param liveWriter the latest record on {@code billing-live-writer}
	 * @param instance this instance
	 */
	record LiveWriterView(LiveWriter liveWriter, InstanceView instance) {

	}

	/**
	 * @param version this instance's version
	 * @param role live or shadow
	 * @param group its consumer group
	 * @param consuming whether its listeners consume now
	 */
	record InstanceView(String version, String role, String group, boolean consuming) {

	}

	static class InvalidVersionException extends RuntimeException {

		private final String version;

		InvalidVersionException(String version) {
			super("Invalid billing version " + version);
			this.version = version;
		}

	}

}
