package com.example.orderflow.kafka.deadletter;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * The group's parked records over HTTP, on the service's own port: list them, replay one
 * by its coordinates in the dead-letter topic, or replay all that can be.
 */
@RestController
@RequestMapping("/admin/dead-letters")
class DeadLettersController {

	private static final Logger logger = LoggerFactory.getLogger(DeadLettersController.class);

	private final ParkedRecords index;

	private final Replays replays;

	DeadLettersController(ParkedRecords index, Replays replays) {
		this.index = index;
		this.replays = replays;
	}

	/** Every record in the dead-letter topic, newest last. */
	@GetMapping
	List<ParkedRecord> list() {
		return this.index.list();
	}

	/**
	 * 202: the copy is on the retry topic and visible to every {@code read_committed}
	 * reader; the group handles it from there.
	 */
	@PostMapping("/{partition}/{offset}/replay")
	ResponseEntity<Replays.ReplayReceipt> replay(@PathVariable("partition") int partition,
			@PathVariable("offset") long offset) {
		return ResponseEntity.accepted().body(this.replays.replay(new ParkedRecordId(partition, offset)));
	}

	@PostMapping("/replay-all")
	Replays.ReplayReport replayAll() {
		return this.replays.replayAll();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unknown(UnknownParkedRecordException ex) {
		return problem(HttpStatus.NOT_FOUND, "Unknown parked record", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> refused(ReplayRefusedException ex) {
		ParkedRecord parked = ex.parked();
		String detail = switch (parked.status()) {
			case REPLAYED -> "Parked record " + parked.id() + " was replayed already (to offset "
					+ parked.replayOffset() + " of the retry topic); replaying it again would process its event twice.";
			case REPLAYS_EXHAUSTED -> "Parked record " + parked.id() + " failed again after " + parked.replayCount()
					+ " replays; it stays parked.";
			case PARKED -> "Parked record " + parked.id() + " cannot be replayed.";
		};
		ResponseEntity<ProblemDetail> response = problem(HttpStatus.CONFLICT,
				Character.toUpperCase(ex.getMessage().charAt(0)) + ex.getMessage().substring(1), detail);
		response.getBody().setProperty("recordStatus", parked.status());
		return response;
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> loading(DeadLettersLoadingException ex) {
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Dead letters still loading", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> failed(ReplayFailedException ex) {
		logger.warn("Replay failed: {}", ex.getMessage(), ex);
		return problem(HttpStatus.SERVICE_UNAVAILABLE, "Replay failed", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> malformed(MethodArgumentTypeMismatchException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid coordinates",
				"Partition and offset must be whole numbers: /admin/dead-letters/{partition}/{offset}/replay");
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}

}
