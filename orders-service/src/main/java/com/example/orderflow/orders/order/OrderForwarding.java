package com.example.orderflow.orders.order;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Sends a request about an order to the instance that owns the order's partition
 * ({@link OrderOwnership}), and its answer back as it is: a POST with an
 * {@code Idempotency-Key} (the key names the order), a cancel and a GET. So one instance
 * decides about an order, whichever instance the client asked, and a read right after a
 * write on another instance sees it. A POST without a key is placed here, on a partition
 * this instance owns.
 * <p>
 * The owner's answer is awaited without holding a thread. A forwarded request is never
 * forwarded again: if the partition moved meanwhile, the answer is a 503 that asks for a
 * retry, which the key makes safe.
 */
class OrderForwarding extends OncePerRequestFilter {

	static final String FORWARDED_FROM = "Orderflow-Forwarded-From";

	private static final Logger logger = LoggerFactory.getLogger(OrderForwarding.class);

	private static final Pattern ORDER_PATH = Pattern.compile("^/api/orders/([^/]+)(/cancel)?$");

	private static final List<String> PASSED_ON = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT,
			OrderController.IDEMPOTENCY_KEY);

	private static final List<String> PASSED_BACK = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.LOCATION,
			HttpHeaders.RETRY_AFTER);

	/** Longer than the owner takes for any answer (spring.mvc.async.request-timeout). */
	private static final Duration OWNER_ANSWERS_WITHIN = Duration.ofSeconds(125);

	private final OrderOwnership ownership;

	private final OrderLog log;

	private final OrdersProperties properties;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Tracer tracer;

	private final Propagator propagator;

	OrderForwarding(OrderOwnership ownership, OrderLog log, OrdersProperties properties, Tracer tracer,
			Propagator propagator) {
		this.ownership = ownership;
		this.log = log;
		this.properties = properties;
		this.tracer = tracer;
		this.propagator = propagator;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/orders");
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return true;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		UUID orderId = orderOf(request);
		if (orderId == null) {
			chain.doFilter(request, response);
			return;
		}
		Optional<String> owner;
		try {
			owner = ownerElsewhere(orderId);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			unavailable(response, "interrupted");
			return;
		}
		if (owner == null) {
			unavailable(response, "no instance owns the partition of order " + orderId + " yet");
			return;
		}
		if (owner.isEmpty()) {
			chain.doFilter(request, response);
			return;
		}
		if (request.getHeader(FORWARDED_FROM) != null) {
			unavailable(response, "the partition of order " + orderId + " is moving to another instance");
			return;
		}
		forward(owner.get(), request, response);
	}

	/**
	 * The order a request is about, if it is one this filter routes: the key's order for
	 * a POST with a key, the path's for a cancel or a GET.
	 */
	private static @Nullable UUID orderOf(HttpServletRequest request) {
		String key = request.getHeader(OrderController.IDEMPOTENCY_KEY);
		String path = request.getRequestURI();
		if ("POST".equals(request.getMethod()) && path.equals("/api/orders")) {
			return (key != null && !key.isEmpty()) ? Orders.orderIdFor(key) : null;
		}
		Matcher matcher = ORDER_PATH.matcher(path);
		if (!matcher.matches()) {
			return null;
		}
		try {
			return UUID.fromString(matcher.group(1));
		}
		catch (IllegalArgumentException ex) {
			// Not an order id: the controller answers it.
			return null;
		}
	}

	/**
	 * Empty when this instance owns the order's partition, the owner's address when
	 * another does, null when nobody does within {@code settle-within}.
	 */
	private @Nullable Optional<String> ownerElsewhere(UUID orderId) throws InterruptedException {
		Duration within = this.properties.settleWithin();
		if (!this.log.awaitOpen(within)) {
			return null;
		}
		int partition = this.log.partitionOf(orderId);
		if (!this.ownership.awaitSettled(partition, within)) {
			return null;
		}
		return this.ownership.owns(partition) ? Optional.empty() : this.ownership.ownerElsewhere(partition);
	}

	private void forward(String owner, HttpServletRequest request, HttpServletResponse response) throws IOException {
		String query = request.getQueryString();
		HttpRequest.Builder forwarded = HttpRequest
			.newBuilder(URI.create(owner + request.getRequestURI() + ((query != null) ? "?" + query : "")))
			.timeout(OWNER_ANSWERS_WITHIN)
			.header(FORWARDED_FROM, this.ownership.address());
		for (String header : PASSED_ON) {
			String value = request.getHeader(header);
			if (value != null) {
				forwarded.header(header, value);
			}
		}
		// The owner's span is a child of this request's: one order, one trace.
		TraceContext trace = this.tracer.currentTraceContext().context();
		if (trace != null) {
			this.propagator.inject(trace, forwarded, HttpRequest.Builder::setHeader);
		}
		byte[] body = request.getInputStream().readAllBytes();
		forwarded.method(request.getMethod(),
				(body.length > 0) ? HttpRequest.BodyPublishers.ofByteArray(body) : HttpRequest.BodyPublishers.noBody());
		AsyncContext async = request.startAsync();
		async.setTimeout(OWNER_ANSWERS_WITHIN.toMillis() + 5_000);
		this.http.sendAsync(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray())
			.whenComplete((answer, failure) -> {
				HttpServletResponse out = (HttpServletResponse) async.getResponse();
				try {
					if (failure != null) {
						logger.warn("The owner {} did not answer {} {}: {}", owner, request.getMethod(),
								request.getRequestURI(), failure.toString());
						unavailable(out, "the instance that owns this order (" + owner + ") did not answer");
					}
					else {
						out.setStatus(answer.statusCode());
						for (String header : PASSED_BACK) {
							answer.headers().firstValue(header).ifPresent((value) -> out.setHeader(header, value));
						}
						out.getOutputStream().write(answer.body());
					}
				}
				catch (IOException ex) {
					logger.debug("Could not pass the owner's answer back", ex);
				}
				finally {
					async.complete();
				}
			});
	}

	/** A 503 problem detail that asks for a retry; nothing was written. */
	private void unavailable(HttpServletResponse response, String why) throws IOException {
		response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
		response.setHeader(HttpHeaders.RETRY_AFTER,
				String.valueOf(Math.max(1, this.properties.retryAfter().toSeconds())));
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		String detail = ("Not answered now: " + why + ". Nothing was written; retry, with the same Idempotency-Key.")
			.replace("\\", "\\\\")
			.replace("\"", "\\\"");
		response.getOutputStream()
			.write("{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"%s\",\"%s\":\"%s\"}"
				.formatted(detail, OrderController.OUTCOME, OrderController.OUTCOME_REFUSED)
				.getBytes(StandardCharsets.UTF_8));
	}

}
