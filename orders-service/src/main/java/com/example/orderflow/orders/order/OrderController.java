package com.example.orderflow.orders.order;

import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.example.orderflow.events.Money;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The orders API. Every success it answers is already committed to the cluster; every
 * failure is a problem detail (RFC 9457). Errors that every endpoint shares are rendered
 * in {@code com.example.orderflow.orders.web}; the ones only orders have are here.
 */
@RestController
@RequestMapping("/api/orders")
class OrderController {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private static final Logger logger = LoggerFactory.getLogger(OrderController.class);

	/**
	 * The property of a 503's problem detail that says what became of the order:
	 * {@value #OUTCOME_REFUSED} (nothing was accepted) or {@value #OUTCOME_UNKNOWN} (the
	 * cluster took the event but did not settle its commit in time: it may still be
	 * accepted, so retry with the same {@code Idempotency-Key}).
	 */
	static final String OUTCOME = "outcome";

	static final String OUTCOME_REFUSED = "refused";

	static final String OUTCOME_UNKNOWN = "unknown";

	private final Orders orders;

	private final OrdersProperties properties;

	OrderController(Orders orders, OrdersProperties properties) {
		this.orders = orders;
		this.properties = properties;
	}

	// Both handlers that write declare what they produce, so that a caller who accepts
	// no JSON gets its 406 before anything is written, not after the event is committed.
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	// Answered when the commit is done, on the thread that saw it done: while an order
	// waits for its commit it holds no thread of the web server, so the requests waiting
	// are bounded by the writer's queue, not by the server's threads.
	CompletableFuture<ResponseEntity<Placed>> place(@RequestHeader(name = IDEMPOTENCY_KEY,
			required = false) @Size(min = 1, max = 200) @Nullable String idempotencyKey,
			@Valid @RequestBody PlaceOrderRequest request) {
		return this.orders.place(request.toCommand(), idempotencyKey)
			.thenApply((order) -> ResponseEntity.created(URI.create("/api/orders/" + order.orderId()))
				.body(Placed.of(order)));
	}

	@PostMapping(path = "/{orderId}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
	StatusView cancel(@PathVariable UUID orderId,
			@Valid @RequestBody(required = false) @Nullable CancelOrderRequest request) {
		Order order = this.orders.cancel(orderId, (request != null) ? request.reason() : null);
		return new StatusView(order.orderId(), order.status());
	}

	@GetMapping("/{orderId}")
	Order find(@PathVariable UUID orderId) {
		return this.orders.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
	}

	@ExceptionHandler
	ProblemDetail notFound(OrderNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail conflict(IdempotencyKeyConflictException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage()
				+ ". Use a new key for a new order, or resend exactly the first request to get its order.");
		problem.setProperty("header", IDEMPOTENCY_KEY);
		return problem;
	}

	/**
	 * The cluster did not commit the event, so nothing was accepted and nothing is
	 * visible downstream: the caller may retry, with the same {@code Idempotency-Key}.
	 */
	@ExceptionHandler
	ResponseEntity<ProblemDetail> clusterUnavailable(OrderEventsUnavailableException ex, HttpServletRequest request) {
		logger.warn("Answered 503 to {} {}: {}", request.getMethod(), request.getRequestURI(), ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.mayStillCommit()
				? "The Kafka cluster took the order event but did not settle its commit in time: it may still be "
						+ "accepted. Retry later with the same Idempotency-Key."
				: "The Kafka cluster did not acknowledge the order event, so nothing was accepted. "
						+ "Retry later; an Idempotency-Key makes the retry safe.");
		// The same in a form a client can act on without parsing the text.
		problem.setProperty(OUTCOME, ex.mayStillCommit() ? OUTCOME_UNKNOWN : OUTCOME_REFUSED);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, this.properties.retryAfter().toSeconds())))
			.body(problem);
	}

	/**
	 * What a placed order answers, and every retry of its {@code Idempotency-Key}.
	 *
	 * @param orderId the new order
	 * @param status {@link OrderStatus#CREATED}; for a retry, where the order stands now
	 * @param total what it costs
	 */
	record Placed(UUID orderId, OrderStatus status, Money total) {

		static Placed of(Order placed) {
			return new Placed(placed.orderId(), placed.status(), placed.total());
		}

	}

	/**
	 * An order's id and status.
	 *
	 * @param orderId the order
	 * @param status where it stands
	 */
	record StatusView(UUID orderId, OrderStatus status) {

	}

}
