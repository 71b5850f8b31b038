package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An open-loop order generator: places orders over HTTP at a fixed rate whether or not
 * the earlier ones have been answered, as real clients do, so a stall shows as waiting
 * requests rather than as a slower generator. Each order carries a unique customerId
 * ({@code load-<run>-<n>}) and an {@code Idempotency-Key}, so what reached the cluster
 * can be matched to each request afterwards.
 */
public final class OrderLoad {

	private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

	/**
	 * A 503 whose problem detail says the order may still be accepted (the cluster took
	 * the event, its commit was not settled in time), as the orders API writes it.
	 */
	private static final Pattern OUTCOME_UNKNOWN = Pattern.compile("\"outcome\"\\s*:\\s*\"unknown\"");

	/**
	 * A patient client, as the drills and {@code ./demo load} have: longer than the
	 * orders API takes for any answer, so what is counted is the API's own answer. Its
	 * writer may take a queue's 25 s, a failing transaction's 24 s and 30 s to read that
	 * transaction's outcome, and the servlet container answers by itself after
	 * {@code spring.mvc.async.request-timeout} (120 s, orders-service's
	 * {@code application.yml}). With 45 s, one order of the two-brokers-down drill was
	 * counted as "no answer" while the API was still settling it (another got its 503
	 * after 43.8 s).
	 */
	public static final Duration PATIENT = Duration.ofSeconds(130);

	/**
	 * The benchmark's clients give up sooner: at 1,000 orders/s offered an overloaded API
	 * still answers a minute after the step, and counting those answers would credit the
	 * step with a rate the API never took.
	 */
	public static final Duration IMPATIENT = Duration.ofSeconds(45);

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

	/**
	 * How long a client that got a 503 or no answer keeps retrying with the same key:
	 * longer than orders-service takes to start again after a crash on a busy machine.
	 */
	private static final Duration RETRY_FOR = Duration.ofSeconds(60);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The most requests in flight at once. More than the orders API takes connections
	 * (1,000): past that an order waits here, and its time counts from when it was due.
	 */
	private static final int MOST_IN_FLIGHT = 1_000;

	/** Where orders go: each request to the next, a retry to the one after. */
	private final List<URI> orders;

	private final Consumer<String> progress;

	private final boolean retryRefused;

	private final Duration requestTimeout;

	/**
	 * @param ordersService the base URI of orders-service
	 * @param progress receives a progress line every 2 s
	 * @param retryRefused whether a client that got a 503, or no answer at all (the
	 * connection refused or cut), sends the same request again (same Idempotency-Key)
	 * after a second, as a well-behaved client does; every retry is counted
	 */
	public OrderLoad(URI ordersService, Consumer<String> progress, boolean retryRefused) {
		this(ordersService, progress, retryRefused, PATIENT);
	}

	/**
	 * @param ordersService the base URI of orders-service
	 * @param progress receives a progress line every 2 s
	 * @param retryRefused whether a client that got a 503 sends the same request again
	 * @param requestTimeout how long after it was due a request gives up:
	 * {@link #PATIENT} or {@link #IMPATIENT}
	 */
	public OrderLoad(URI ordersService, Consumer<String> progress, boolean retryRefused, Duration requestTimeout) {
		this(List.of(ordersService), progress, retryRefused, requestTimeout);
	}

	/**
	 * Spreads the orders over several orders-service instances: request n goes to
	 * instance n, its retries each to the next one, so a key is retried on another
	 * instance than the one that first had it.
	 * @param ordersServices the base URIs of the instances
	 */
	public OrderLoad(List<URI> ordersServices, Consumer<String> progress, boolean retryRefused,
			Duration requestTimeout) {
		if (ordersServices.isEmpty()) {
			throw new IllegalArgumentException("No orders-service instance to send orders to");
		}
		this.orders = ordersServices.stream().map((uri) -> uri.resolve("/api/orders")).toList();
		this.progress = progress;
		this.retryRefused = retryRefused;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Starts placing orders at {@code ratePerSecond} until stopped or the duration ends.
	 */
	public Running start(double ratePerSecond, Duration duration) {
		return new Running(ratePerSecond, duration);
	}

	/** Runs for the whole duration, then waits for the last answers. */
	public Result run(double ratePerSecond, Duration duration) {
		Running running = start(ratePerSecond, duration);
		running.awaitEnd();
		return running.stop();
	}

	/**
	 * One request and how it ended.
	 *
	 * @param outcomeUnknown a 503 that said the order may still be accepted
	 */
	public record Request(int number, String customerId, int status, String orderId, boolean outcomeUnknown,
			int attempts, double sentAt, double seconds, double answeredAt) {

		public boolean acknowledged() {
			return this.status == 201;
		}

	}

	/** Whether an answer's body says that the order may still be accepted. */
	static boolean outcomeUnknown(int status, String body) {
		return status == 503 && OUTCOME_UNKNOWN.matcher(body).find();
	}

	/**
	 * @param run the run's id, the middle of each customerId
	 * @param requests every request, in the order they were sent
	 * @param seconds how long the load ran
	 */
	public record Result(String run, List<Request> requests, double seconds) {

		public int sent() {
			return this.requests.size();
		}

		public List<Request> acknowledged() {
			return this.requests.stream().filter(Request::acknowledged).toList();
		}

		/** Answered 503 in the end (after any retries). */
		public List<Request> refused() {
			return this.requests.stream().filter((request) -> request.status() == 503).toList();
		}

		/** Every request not answered 201. */
		public List<Request> notAcknowledged() {
			return this.requests.stream().filter((request) -> !request.acknowledged()).toList();
		}

		/**
		 * Every request not answered 201, except the 503s that said the order may still
		 * be accepted: none of these may ever be on {@code orders}.
		 */
		public List<Request> notAccepted() {
			return this.requests.stream()
				.filter((request) -> !request.acknowledged() && !request.outcomeUnknown())
				.toList();
		}

		/** The 503s that said the order may still be accepted. */
		public List<Request> outcomeUnknown() {
			return this.requests.stream().filter(Request::outcomeUnknown).toList();
		}

		/** Anything but 201 and 503: another status, or no answer at all (status 0). */
		public List<Request> errors() {
			return this.requests.stream()
				.filter((request) -> request.status() != 201 && request.status() != 503)
				.toList();
		}

		public int retries() {
			return this.requests.stream().mapToInt((request) -> request.attempts() - 1).sum();
		}

		/**
		 * 201s per second over the time the server needed for them: the time the load
		 * ran, plus how much longer the last requests waited than the first (the median
		 * wait of the last tenth of the acknowledged requests against that of the first
		 * tenth). A server that keeps up answers the last as fast as the first, whatever
		 * each answer takes; one that falls behind works off its backlog after the load
		 * stopped, and those answers count over the time they took, not as if they had
		 * come within the load (the bench's 1,000/s step of 20 s once read 886/s where
		 * 17,722 orders took 67 s).
		 */
		public double acknowledgedPerSecond() {
			List<Request> acknowledged = acknowledged();
			if (acknowledged.isEmpty()) {
				return 0;
			}
			int tenth = Math.max(1, acknowledged.size() / 10);
			double first = medianWait(acknowledged.subList(0, tenth));
			double last = medianWait(acknowledged.subList(acknowledged.size() - tenth, acknowledged.size()));
			return acknowledged.size() / Math.max(0.001, this.seconds + Math.max(0, last - first));
		}

		private static double medianWait(List<Request> requests) {
			double[] waits = requests.stream().mapToDouble(Request::seconds).sorted().toArray();
			return waits[waits.length / 2];
		}

		/** The longest a client waited for its 201. */
		public double stallSeconds() {
			return this.requests.stream().filter(Request::acknowledged).mapToDouble(Request::seconds).max().orElse(0);
		}

		/** The longest a client waited for its 503. */
		public double longestRefusal() {
			return refused().stream().mapToDouble(Request::seconds).max().orElse(0);
		}

		public String summary() {
			String errors = errors().stream()
				.collect(java.util.stream.Collectors.groupingBy(
						(request) -> (request.status() == 0) ? "no answer" : Integer.toString(request.status()),
						java.util.TreeMap::new, java.util.stream.Collectors.counting()))
				.toString();
			return "%d orders sent in %.1f s, %d acknowledged (201), %d refused (503, the longest after %.1f s), %d errors %s, %d retries with the same Idempotency-Key, longest wait for a 201 %.1f s"
				.formatted(sent(), this.seconds, acknowledged().size(), refused().size(), longestRefusal(),
						errors().size(), errors, retries(), stallSeconds());
		}

	}

	/** A load in progress. */
	public final class Running {

		private final String run = UUID.randomUUID().toString().substring(0, 8);

		private final long started = System.nanoTime();

		private final long endsAt;

		private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, (task) -> {
			Thread thread = new Thread(task, "order-load");
			thread.setDaemon(true);
			return thread;
		});

		private final Map<Integer, CompletableFuture<Request>> requests = new ConcurrentHashMap<>();

		private final List<KeepAliveHttp> http = OrderLoad.this.orders.stream()
			.map((uri) -> new KeepAliveHttp(uri, CONNECT_TIMEOUT))
			.toList();

		/** A thread per request in flight, each blocked on its answer. */
		private final ThreadPoolExecutor senders = new ThreadPoolExecutor(MOST_IN_FLIGHT, MOST_IN_FLIGHT, 5,
				TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "order-load-request");
					thread.setDaemon(true);
					return thread;
				});

		private final AtomicInteger sent = new AtomicInteger();

		private final AtomicInteger acknowledged = new AtomicInteger();

		private final AtomicInteger refused = new AtomicInteger();

		private final AtomicInteger errors = new AtomicInteger();

		private volatile double longestWait;

		private Running(double ratePerSecond, Duration duration) {
			this.endsAt = this.started + duration.toNanos();
			this.senders.allowCoreThreadTimeOut(true);
			long every = Math.max(1, (long) (1_000_000_000L / ratePerSecond));
			this.scheduler.scheduleAtFixedRate(this::send, 0, every, TimeUnit.NANOSECONDS);
			this.scheduler.scheduleAtFixedRate(this::report, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(),
					TimeUnit.MILLISECONDS);
			OrderLoad.this.progress.accept("load %s: %.0f orders/s for %d s to %s".formatted(this.run, ratePerSecond,
					duration.toSeconds(), OrderLoad.this.orders));
		}

		public String run() {
			return this.run;
		}

		/** Seconds since the load started: the clock of every request's times. */
		public double now() {
			return (System.nanoTime() - this.started) / 1e9;
		}

		private void send() {
			if (System.nanoTime() >= this.endsAt) {
				return;
			}
			int number = this.sent.incrementAndGet();
			String customerId = "load-" + this.run + "-" + number;
			double sentAt = now();
			CompletableFuture<Request> request = attempt(number, customerId, 1, System.nanoTime() + RETRY_FOR.toNanos())
				.thenApply((answer) -> {
					double seconds = now() - sentAt;
					if (answer.status == 201) {
						this.acknowledged.incrementAndGet();
						this.longestWait = Math.max(this.longestWait, seconds);
					}
					else if (answer.status == 503) {
						this.refused.incrementAndGet();
					}
					else {
						this.errors.incrementAndGet();
					}
					return new Request(number, customerId, answer.status, answer.orderId, answer.outcomeUnknown,
							answer.attempts, sentAt, seconds, now());
				});
			this.requests.put(number, request);
		}

		private CompletableFuture<Answer> attempt(int number, String customerId, int attempt, long retryUntil) {
			KeepAliveHttp http = this.http.get((number + attempt - 1) % this.http.size());
			String body = """
					{"customerId":"%s","currency":"EUR","shippingCountry":"DE",
					 "lines":[{"sku":"SKU-BOOK","quantity":1,"unitPrice":"12.50"}]}
					""".formatted(customerId);
			// A client gives up requestTimeout after it meant to send, even if it had to
			// wait here for a free connection: the open loop's clients do not queue
			// forever.
			long giveUpAt = System.nanoTime() + OrderLoad.this.requestTimeout.toNanos();
			return CompletableFuture.supplyAsync(() -> {
				long left = giveUpAt - System.nanoTime();
				if (left <= 0) {
					return new Answer(0, null, false, attempt);
				}
				try {
					KeepAliveHttp.Response response = http.postJson(body, customerId, Duration.ofNanos(left));
					Matcher orderId = ORDER_ID.matcher(response.body());
					return new Answer(response.status(), orderId.find() ? orderId.group(1) : null,
							outcomeUnknown(response.status(), response.body()), attempt);
				}
				catch (IOException | RuntimeException ex) {
					return new Answer(0, null, false, attempt);
				}
			}, this.senders).thenCompose((answer) -> {
				boolean retry = answer.status == 503 || (answer.status == 0 && System.nanoTime() < giveUpAt);
				if (retry && OrderLoad.this.retryRefused && System.nanoTime() < retryUntil) {
					return CompletableFuture
						.supplyAsync(() -> null, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS))
						.thenCompose((ignored) -> attempt(number, customerId, attempt + 1, retryUntil));
				}
				return CompletableFuture.completedFuture(answer);
			});
		}

		/**
		 * When the first request sent at or after {@code since} (load seconds) was
		 * acknowledged, or -1 if none is yet.
		 */
		public double firstAcknowledgedAfter(double since) {
			return answered().stream()
				.filter((request) -> request.acknowledged() && request.sentAt() >= since)
				.mapToDouble(Request::answeredAt)
				.min()
				.orElse(-1);
		}

		/** Every request answered so far, in no particular order. */
		public List<Request> answered() {
			return this.requests.values()
				.stream()
				.filter(CompletableFuture::isDone)
				.map(CompletableFuture::join)
				.toList();
		}

		private void report() {
			int done = this.acknowledged.get() + this.refused.get() + this.errors.get();
			OrderLoad.this.progress.accept(
					"load %s: %5.1f s  sent %d  acknowledged %d  refused %d  errors %d  waiting %d  longest wait %.1f s"
						.formatted(this.run, now(), this.sent.get(), this.acknowledged.get(), this.refused.get(),
								this.errors.get(), this.sent.get() - done, this.longestWait));
		}

		/** Blocks until the load's duration has passed. */
		public void awaitEnd() {
			long left = this.endsAt - System.nanoTime();
			if (left > 0) {
				try {
					TimeUnit.NANOSECONDS.sleep(left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		/** Sends no more, waits for every answer, and returns what happened. */
		public Result stop() {
			double seconds = Math.min(now(), (this.endsAt - this.started) / 1e9);
			this.scheduler.shutdownNow();
			try {
				this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			List<Request> all = new ArrayList<>();
			for (int number = 1; number <= this.sent.get(); number++) {
				CompletableFuture<Request> request = this.requests.get(number);
				if (request != null) {
					all.add(request.join());
				}
			}
			this.senders.shutdown();
			this.http.forEach(KeepAliveHttp::close);
			report();
			Result result = new Result(this.run, List.copyOf(all), seconds);
			OrderLoad.this.progress.accept("load " + this.run + ": " + result.summary());
			return result;
		}

	}

	private record Answer(int status, String orderId, boolean outcomeUnknown, int attempts) {
	}

}
