package com.example.orderflow.orders.order;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.example.orderflow.events.Topics;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orders API under bad input, through real HTTP, against a real replicated cluster:
 * every input in {@link #badInputs() the catalogue} is answered with its 4xx as an RFC
 * 9457 problem ({@code application/problem+json}), names the field at fault where there
 * is one, and writes nothing to {@code orders}. Each request carries a marker of its own
 * (in the customerId or the cancel reason, where the body has room for one): no committed
 * record may contain it, and neither the committed record count nor the log end offset of
 * any partition may move across the request. Cases that cancel an order, or reuse an
 * order's Idempotency-Key, get a fresh valid order placed before that count is taken.
 * <p>
 * Valid input in other scripts, which must not be caught by the same rules, is in
 * {@link ValidUnicodeOnKafkaTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@RealKafka
class BadInputOnKafkaTests {

	/** Replaced by the per-request marker, in the body, the path and the headers. */
	private static final String MARKER = "@@MARKER@@";

	/** Replaced by an order placed just before the request, to cancel it badly. */
	private static final String EXISTING_ORDER = "@@ORDER@@";

	/** Replaced by the Idempotency-Key that that order was placed with. */
	private static final String EXISTING_KEY = "@@KEY@@";

	/** Replaced, in the body bytes only, by raw bytes that are not valid UTF-8 text. */
	private static final String RAW = "@@RAW@@";

	private static final Duration QUIET_WITHIN = Duration.ofSeconds(60);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger tried = new AtomicInteger();

	private static final AtomicInteger answeredAsExpected = new AtomicInteger();

	private static final AtomicInteger recordsWritten = new AtomicInteger();

	private static @Nullable Admin admin;

	/** The last read of {@code orders}; see {@link #ordersBefore()}. */
	private static @Nullable OrdersTopic lastRead;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaConnectionDetails kafka;

	@Autowired
	private TestKafkaClients clients;

	static Stream<BadInput> badInputs() {
		List<BadInput> inputs = new ArrayList<>();

		// Malformed JSON: 400, nothing to name.
		inputs.add(order("malformed: truncated after a comma", 400, null,
				"{\"customerId\": \"" + MARKER + "\", \"currency\": \"EUR\", "));
		inputs.add(order("malformed: truncated inside a string", 400, null, "{\"customerId\": \"" + MARKER + "-"));
		inputs.add(order("malformed: trailing garbage after the object", 400, null, valid() + " garbage"));
		inputs.add(order("malformed: a second object after the first", 400, null, valid() + valid()));
		inputs.add(order("malformed: single quotes", 400, null, valid().replace('"', '\'')));
		inputs.add(order("malformed: unquoted property names", 400, null, valid().replace("\"currency\"", "currency")));
		inputs.add(order("malformed: a block comment", 400, null,
				valid().replace("\"currency\"", "/* paid in */ \"currency\"")));
		inputs.add(order("malformed: a line comment", 400, null,
				valid().replace("\"currency\"", "// paid in\n\"currency\"")));
		inputs.add(order("malformed: NaN as unitPrice", 400, null, orderWithLine("unitPrice", "NaN")));
		inputs.add(order("malformed: -Infinity as unitPrice", 400, null, orderWithLine("unitPrice", "-Infinity")));
		inputs.add(order("malformed: trailing comma in the object", 400, null,
				valid().substring(0, valid().length() - 1) + ", }"));
		inputs.add(order("malformed: trailing comma in lines", 400, null,
				valid().replace("\"12.50\"}]", "\"12.50\"}, ]")));
		inputs.add(order("malformed: leading zero in quantity", 400, null, orderWithLine("quantity", "02")));
		inputs.add(order("malformed: hexadecimal quantity", 400, null, orderWithLine("quantity", "0x2")));
		inputs.add(order("malformed: unescaped newline inside a string", 400, null,
				orderWith("customerId", "\"" + MARKER + "\nFAKE LOG LINE\"")));
		inputs.add(order("malformed: invalid escape \\x41", 400, null,
				orderWith("customerId", "\"" + MARKER + "\\x41\"")));
		inputs.add(order("malformed: empty body", 400, null, ""));
		inputs.add(order("malformed: whitespace only", 400, null, " \n\t "));
		inputs.add(order("malformed: the literal null", 400, null, "null"));
		inputs.add(order("malformed: an array instead of an object", 400, null, "[" + valid() + "]"));
		inputs.add(order("malformed: a string instead of an object", 400, null, "\"" + MARKER + "\""));
		inputs.add(order("malformed: a number instead of an object", 400, null, "42"));
		inputs.add(order("malformed: true instead of an object", 400, null, "true"));
		inputs.add(order("malformed: form-encoded body declared as JSON", 400, null,
				"customerId=" + MARKER + "&currency=EUR&shippingCountry=DE"));
		inputs.add(order("malformed: 10,000 nested arrays", 400, null, "[".repeat(10_000) + "]".repeat(10_000)));
		inputs.add(order("malformed: a 5,000-digit unitPrice", 400, null,
				orderWithLine("unitPrice", "1" + "0".repeat(4_999))));

		// Missing fields, each required one.
		for (String field : List.of("customerId", "currency", "shippingCountry", "lines")) {
			inputs.add(order("missing " + field, 400, field, orderWith(field, null)));
		}
		for (String field : List.of("sku", "quantity", "unitPrice")) {
			inputs.add(order("missing lines[0]." + field, 400, "lines[0]." + field, orderWithLine(field, null)));
		}
		inputs.add(order("missing everything: {}", 400, "customerId", "{}"));
		inputs.add(order("a null line", 400, "lines[1]", valid().replace("}]", "}, null]")));

		// Wrong types, each field.
		inputs.add(order("wrong type: customerId an object", 400, "customerId",
				orderWith("customerId", "{\"id\": \"" + MARKER + "\"}")));
		inputs.add(order("wrong type: customerId an array", 400, "customerId",
				orderWith("customerId", "[\"" + MARKER + "\"]")));
		inputs.add(order("wrong type: customerId a number", 400, "customerId", orderWith("customerId", "42")));
		inputs.add(order("wrong type: customerId a boolean", 400, "customerId", orderWith("customerId", "true")));
		inputs.add(order("wrong type: currency a number", 400, "currency", orderWith("currency", "978")));
		inputs.add(
				order("wrong type: currency an object", 400, "currency", orderWith("currency", "{\"code\": \"EUR\"}")));
		inputs.add(order("wrong type: shippingCountry a boolean", 400, "shippingCountry",
				orderWith("shippingCountry", "true")));
		inputs.add(order("wrong type: shippingCountry an array", 400, "shippingCountry",
				orderWith("shippingCountry", "[\"DE\"]")));
		inputs.add(order("wrong type: lines an object instead of an array", 400, "lines",
				orderWith("lines", "{\"sku\": \"SKU-1\", \"quantity\": 2, \"unitPrice\": \"12.50\"}")));
		inputs.add(order("wrong type: lines a string", 400, "lines", orderWith("lines", "\"SKU-1\"")));
		inputs.add(order("wrong type: lines[0] a number", 400, "lines[0]", orderWith("lines", "[7]")));
		inputs.add(order("wrong type: sku a number", 400, "lines[0].sku", orderWithLine("sku", "12345")));
		inputs.add(order("wrong type: sku a boolean", 400, "lines[0].sku", orderWithLine("sku", "true")));
		inputs
			.add(order("wrong type: quantity a word", 400, "lines[0].quantity", orderWithLine("quantity", "\"two\"")));
		inputs
			.add(order("wrong type: quantity a float 2.5", 400, "lines[0].quantity", orderWithLine("quantity", "2.5")));
		inputs.add(order("wrong type: quantity in exponent notation 1e3", 400, "lines[0].quantity",
				orderWithLine("quantity", "1e3")));
		inputs
			.add(order("wrong type: quantity a boolean", 400, "lines[0].quantity", orderWithLine("quantity", "true")));
		inputs.add(order("wrong type: quantity an array", 400, "lines[0].quantity", orderWithLine("quantity", "[2]")));
		inputs.add(order("wrong type: unitPrice a boolean", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "true")));
		inputs.add(order("wrong type: unitPrice an object", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "{\"amount\": \"12.50\"}")));
		inputs.add(order("wrong type: unitPrice with a decimal comma", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "\"12,50\"")));
		inputs.add(order("wrong type: unitPrice with its currency", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "\"12.50 EUR\"")));

		// Quantities.
		inputs.add(order("quantity negative", 400, "lines[0].quantity", orderWithLine("quantity", "-2")));
		inputs.add(order("quantity zero", 400, "lines[0].quantity", orderWithLine("quantity", "0")));
		inputs.add(order("quantity over 1000", 400, "lines[0].quantity", orderWithLine("quantity", "1001")));
		// Rejected as malformed JSON ("out of range of int"), without naming the field.
		inputs.add(order("quantity beyond a 32-bit int", 400, null, orderWithLine("quantity", "2147483648")));
		inputs.add(order("quantity beyond a 64-bit long", 400, null,
				orderWithLine("quantity", "99999999999999999999999")));

		// Prices.
		inputs.add(order("unitPrice negative", 400, "lines[0].unitPrice", orderWithLine("unitPrice", "\"-12.50\"")));
		inputs.add(order("unitPrice zero", 400, "lines[0].unitPrice", orderWithLine("unitPrice", "0")));
		inputs
			.add(order("unitPrice negative zero", 400, "lines[0].unitPrice", orderWithLine("unitPrice", "\"-0.00\"")));
		inputs.add(order("unitPrice with 3 decimals in EUR", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "\"12.505\"")));
		inputs.add(order("unitPrice with decimals in JPY", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "\"1250.5\"").replace("\"EUR\"", "\"JPY\"")));
		inputs.add(order("unitPrice 1E+999999999", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "\"1E+999999999\"")));
		inputs.add(order("unitPrice at the exclusive limit 1000000000", 400, "lines[0].unitPrice",
				orderWithLine("unitPrice", "1000000000")));

		// Currencies.
		inputs.add(order("currency unknown XYZ", 400, "currency", orderWith("currency", "\"XYZ\"")));
		inputs.add(order("currency lowercase eur", 400, "currency", orderWith("currency", "\"eur\"")));
		inputs.add(order("currency numeric ISO code as a string", 400, "currency", orderWith("currency", "\"978\"")));
		inputs.add(order("currency empty", 400, "currency", orderWith("currency", "\"\"")));
		inputs.add(order("currency a symbol", 400, "currency", orderWith("currency", "\"€\"")));
		inputs.add(order("currency with a trailing space", 400, "currency", orderWith("currency", "\"EUR \"")));

		// Countries.
		inputs.add(order("country lowercase de", 400, "shippingCountry", orderWith("shippingCountry", "\"de\"")));
		inputs.add(order("country alpha-3 DEU", 400, "shippingCountry", orderWith("shippingCountry", "\"DEU\"")));
		inputs.add(order("country unassigned ZZ", 400, "shippingCountry", orderWith("shippingCountry", "\"ZZ\"")));
		inputs.add(order("country a name", 400, "shippingCountry", orderWith("shippingCountry", "\"Germany\"")));
		inputs.add(order("country numeric 276", 400, "shippingCountry", orderWith("shippingCountry", "\"276\"")));
		inputs.add(order("country empty", 400, "shippingCountry", orderWith("shippingCountry", "\"\"")));

		// Lines and SKUs.
		inputs.add(order("lines empty", 400, "lines", orderWith("lines", "[]")));
		inputs.add(order("lines: 101 of them", 400, "lines", orderWith("lines",
				IntStream.range(0, 101).mapToObj((i) -> LINE).collect(Collectors.joining(", ", "[", "]")))));
		inputs.add(order("sku empty", 400, "lines[0].sku", orderWithLine("sku", "\"\"")));
		inputs.add(order("sku with a space", 400, "lines[0].sku", orderWithLine("sku", "\"SKU 1\"")));
		inputs.add(
				order("sku of 65 characters", 400, "lines[0].sku", orderWithLine("sku", "\"" + "S".repeat(65) + "\"")));
		inputs.add(order("sku a path", 400, "lines[0].sku", orderWithLine("sku", "\"../../etc/passwd\"")));
		inputs.add(order("sku emoji only", 400, "lines[0].sku", orderWithLine("sku", "\"\uD83D\uDCE6\"")));

		// Unknown properties: most likely typos, or values the caller may not choose.
		inputs.add(order("unknown property shipingCountry", 400, "shipingCountry",
				valid().replace("\"currency\"", "\"shipingCountry\": \"FR\", \"currency\"")));
		inputs.add(order("unknown property lines[0].quantiy", 400, "lines[0].quantiy",
				valid().replace("\"quantity\": 2", "\"quantity\": 2, \"quantiy\": 3")));
		inputs.add(order("unknown property orderId chosen by the caller", 400, "orderId",
				valid().replace("\"currency\"", "\"orderId\": \"" + UUID.randomUUID() + "\", \"currency\"")));

		// Size.
		String oneMegabyte = orderWith("customerId", "\"" + MARKER + "x".repeat(1024 * 1024) + "\"");
		inputs.add(order("1 MB body with Content-Length", 413, null, oneMegabyte));
		inputs.add(order("1 MB body chunked", 413, null, oneMegabyte).sentChunked());
		inputs.add(order("64 KB + 1 byte body", 413, null,
				pad(orderWith("customerId", "\"" + MARKER + "\""), 64 * 1024 + 1)));

		// Content types.
		inputs.add(order("Content-Type text/plain", 415, null, valid()).withContentType("text/plain"));
		inputs.add(order("Content-Type application/xml", 415, null,
				"<order><customerId>" + MARKER + "</customerId></order>")
			.withContentType("application/xml"));
		inputs.add(order("Content-Type form-urlencoded", 415, null,
				"customerId=" + MARKER + "&currency=EUR&shippingCountry=DE")
			.withContentType("application/x-www-form-urlencoded"));
		inputs.add(order("Content-Type multipart/form-data", 415, null, valid())
			.withContentType("multipart/form-data; boundary=xyz"));
		inputs.add(order("Content-Type application/merge-patch+json", 415, null, valid())
			.withContentType("application/merge-patch+json"));
		inputs.add(order("no Content-Type at all", 415, null, valid()).withContentType(null));
		inputs.add(order("Content-Type that is not a media type", 415, null, valid()).withContentType("json"));
		inputs.add(order("Content-Type with an unknown charset", 415, null, valid())
			.withContentType("application/json; charset=klingon"));

		// Bytes that are not UTF-8.
		inputs.add(order("bytes: 0xFF in customerId", 400, null, orderWith("customerId", "\"" + MARKER + RAW + "\""),
				0xFF));
		inputs.add(order("bytes: ISO-8859-1 'ü' in customerId", 400, null,
				orderWith("customerId", "\"" + MARKER + "M" + RAW + "ller\""), 0xFC));
		inputs.add(order("bytes: a truncated 3-byte sequence", 400, null,
				orderWith("customerId", "\"" + MARKER + RAW + "\""), 0xE2, 0x82));
		inputs.add(order("bytes: overlong encoding of '/'", 400, null,
				orderWith("customerId", "\"" + MARKER + RAW + "\""), 0xC0, 0xAF));
		inputs.add(order("bytes: an encoded lone surrogate (CESU)", 400, null,
				orderWith("customerId", "\"" + MARKER + RAW + "\""), 0xED, 0xA0, 0x80));

		// Unicode edge cases in customerId.
		inputs.add(customerId("unicode: lone high surrogate escape \\ud800", MARKER + "\\ud800"));
		inputs.add(customerId("unicode: lone low surrogate escape \\udc00", MARKER + "\\udc00"));
		inputs.add(customerId("unicode: surrogates in the wrong order", MARKER + "\\udc00\\ud800"));
		inputs.add(customerId("unicode: NUL", MARKER + "\\u0000"));
		inputs.add(customerId("unicode: escaped newline (log forging)", MARKER + "\\nINFO forged line"));
		inputs.add(customerId("unicode: escaped carriage return", MARKER + "\\rINFO forged line"));
		inputs.add(customerId("unicode: ANSI escape sequence", MARKER + "\\u001b[2J"));
		inputs.add(customerId("unicode: DEL", MARKER + "\\u007f"));
		inputs.add(customerId("unicode: C1 control NEL", MARKER + "\\u0085"));
		inputs.add(customerId("unicode: right-to-left override", MARKER + "\\u202egpj.exe"));
		inputs.add(customerId("unicode: zero-width joiner only", "\\u200d"));
		inputs.add(customerId("unicode: no-break spaces only", "\\u00a0\\u00a0"));
		inputs.add(customerId("unicode: blank", "   "));
		inputs.add(customerId("unicode: empty", ""));
		inputs.add(customerId("unicode: 101 characters", MARKER + "c".repeat(101)));
		inputs.add(customerId("unicode: 10,000 characters", MARKER + "c".repeat(10_000)));

		// Headers.
		inputs.add(order("Idempotency-Key of 240 characters", 400, "Idempotency-Key", valid())
			.withHeader("Idempotency-Key", MARKER + "k".repeat(200)));
		inputs.add(order("Idempotency-Key empty", 400, "Idempotency-Key", valid()).withHeader("Idempotency-Key", ""));
		inputs.add(order("Idempotency-Key reused for another order", 409, null, valid()).withHeader("Idempotency-Key",
				EXISTING_KEY));
		inputs.add(order("Accept only application/xml", 406, null, valid()).withHeader("Accept", "application/xml"));

		// Cancel.
		inputs.add(request("cancel: order id not a UUID", "POST", "/api/orders/not-a-uuid/cancel", 400, null,
				reason("\"" + MARKER + "\"")));
		inputs.add(request("cancel: order id almost a UUID", "POST",
				"/api/orders/00000000-0000-0000-0000-00000000000g/cancel", 400, null, reason("\"" + MARKER + "\"")));
		inputs.add(request("cancel: unknown order id", "POST", "/api/orders/" + UUID.randomUUID() + "/cancel", 404,
				null, reason("\"" + MARKER + "\"")));
		inputs.add(cancelExisting("cancel: reason of 501 characters", 400, "reason",
				reason("\"" + MARKER + "r".repeat(501) + "\"")));
		inputs.add(cancelExisting("cancel: reason an object", 400, "reason", reason("{\"text\": \"" + MARKER + "\"}")));
		inputs.add(cancelExisting("cancel: reason a number", 400, "reason", reason("42")));
		inputs.add(cancelExisting("cancel: reason with a lone surrogate", 400, "reason",
				reason("\"" + MARKER + "\\ud800\"")));
		inputs.add(cancelExisting("cancel: malformed JSON", 400, null, "{\"reason\": \"" + MARKER));
		inputs.add(cancelExisting("cancel: unknown property", 400, "reasn", "{\"reasn\": \"" + MARKER + "\"}"));
		inputs.add(cancelExisting("cancel: Content-Type text/plain", 415, null, MARKER).withContentType("text/plain"));
		inputs.add(cancelExisting("cancel: Accept only application/xml", 406, null, reason("\"" + MARKER + "\""))
			.withHeader("Accept", "application/xml"));
		inputs.add(request("read: order id not a UUID", "GET", "/api/orders/not-a-uuid", 400, null, ""));

		// Methods.
		inputs.add(request("method GET on /api/orders", "GET", "/api/orders", 405, null, ""));
		inputs.add(request("method PUT on /api/orders", "PUT", "/api/orders", 405, null, valid()));
		inputs.add(request("method DELETE on /api/orders", "DELETE", "/api/orders", 405, null, ""));
		inputs.add(request("method PATCH on /api/orders", "PATCH", "/api/orders", 405, null, valid()));
		inputs.add(request("method DELETE on an order", "DELETE", "/api/orders/" + EXISTING_ORDER, 405, null, ""));
		inputs.add(request("method GET on cancel", "GET", "/api/orders/" + EXISTING_ORDER + "/cancel", 405, null, ""));
		return inputs.stream();
	}

	@BeforeEach
	void connect() {
		String bootstrapServers = String.join(",", this.kafka.getBootstrapServers());
		prepare(bootstrapServers);
	}

	/**
	 * Once per class: warm up transactions, which the orders placed for the cancel cases
	 * need (see {@link OrdersOnKafkaTests}).
	 */
	private static synchronized void prepare(String bootstrapServers) {
		if (admin != null) {
			return;
		}
		Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bad-input-tests-warm-up-" + UUID.randomUUID(),
				ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
				new StringSerializer())) {
			producer.initTransactions();
		}
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
	}

	@AfterAll
	static void summary() {
		if (admin != null) {
			admin.close(Duration.ofSeconds(5));
		}
		int count = tried.get();
		int good = answeredAsExpected.get();
		System.out.printf("bad inputs tried: %d, %s, records written: %d%n", count,
				(good == count) ? "all answered 4xx problem+json" : good + " answered as expected",
				recordsWritten.get());
	}

	@Test
	void catalogueHoldsDistinctInputs() {
		List<BadInput> inputs = badInputs().toList();
		assertThat(inputs).extracting(BadInput::name).doesNotHaveDuplicates();
		assertThat(inputs).extracting(BadInput::fingerprint).doesNotHaveDuplicates();
		assertThat(inputs).allSatisfy((input) -> assertThat(input.expectedStatus()).isBetween(400, 499));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("badInputs")
	void isAnsweredWithAProblemAndWritesNothing(BadInput input) throws Exception {
		tried.incrementAndGet();
		String marker = newMarker();
		// A fresh order for each case that needs one: a bad cancel that was wrongly
		// accepted must not hide what the next one does.
		Existing existing = input.needsAnOrder() ? placeOrder() : null;
		OrdersTopic before = ordersBefore();

		HttpResponse<String> response = send(input, marker, existing);

		OrdersTopic after = ordersAfter(before);
		recordsWritten.addAndGet(after.records().size() - before.records().size());
		assertThat(response.statusCode()).as("status of %s, answered %s", input, response.body())
			.isEqualTo(input.expectedStatus());
		String contentType = response.headers().firstValue("Content-Type").orElse("");
		assertThat(contentType).as("Content-Type of %s", input).isNotEmpty();
		assertThat(MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_PROBLEM_JSON))
			.as("Content-Type %s of %s", contentType, input)
			.isTrue();
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt()).as("status in %s", response.body())
			.isEqualTo(input.expectedStatus());
		if (input.expectedField() != null) {
			List<String> fields = new ArrayList<>();
			problem.path("errors").forEach((error) -> fields.add(error.path("field").asString()));
			assertThat(fields).as("fields named in %s", response.body()).contains(input.expectedField());
		}
		assertThat(after.perPartition()).as("committed records per partition of orders")
			.isEqualTo(before.perPartition());
		assertThat(after.endOffsets()).as("log end offsets of orders").isEqualTo(before.endOffsets());
		byte[] markerBytes = marker.getBytes(StandardCharsets.UTF_8);
		assertThat(after.records()).as("records of orders that contain %s", marker)
			.noneMatch((record) -> indexOf(record.value(), markerBytes, 0) >= 0);
		answeredAsExpected.incrementAndGet();
	}

	private HttpResponse<String> send(BadInput input, String marker, @Nullable Existing existing) throws Exception {
		byte[] body = replace(input.body(), MARKER, marker);
		HttpRequest.BodyPublisher publisher;
		if (input.chunked()) {
			// No length known up front: the client streams the body chunked.
			publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
		}
		else if (body.length == 0) {
			publisher = HttpRequest.BodyPublishers.noBody();
		}
		else {
			publisher = HttpRequest.BodyPublishers.ofByteArray(body);
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(resolve(input.path(), marker, existing)))
			// Generous: a hang fails the test instead of the build.
			.timeout(Duration.ofSeconds(30))
			.method(input.method(), publisher);
		if (input.contentType() != null) {
			request.header("Content-Type", input.contentType());
		}
		input.headers().forEach((name, value) -> request.header(name, resolve(value, marker, existing)));
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * {@code orders} before a request. The last read, usually the previous case's
	 * {@link #ordersAfter(OrdersTopic) after}, is reused when the end offsets show that
	 * nothing was appended since. Anything else is read again.
	 */
	private OrdersTopic ordersBefore() {
		OrdersTopic last = lastRead;
		return (last != null) ? ordersAfter(last) : read(quietEndOffsets());
	}

	/**
	 * {@code orders} after a request: the earlier read when the log end offsets (every
	 * record appended, committed, aborted or still open) have not moved since, for then
	 * not one record was written, and the committed records below the same end offsets
	 * are the same records; read again otherwise, so that a failed check shows what was
	 * written.
	 */
	private OrdersTopic ordersAfter(OrdersTopic earlier) {
		Map<TopicPartition, Long> endOffsets = quietEndOffsets();
		return earlier.endOffsets().equals(endOffsets) ? earlier : read(endOffsets);
	}

	private OrdersTopic read(Map<TopicPartition, Long> endOffsets) {
		OrdersTopic read = new OrdersTopic(this.clients.readCommittedBytes(Topics.ORDERS), endOffsets);
		lastRead = read;
		return read;
	}

	/**
	 * The end offsets of {@code orders} once no transaction is open on it: a record
	 * committed by an earlier test (whose commit markers land a moment after the answer)
	 * or by the request under test is then visible to a read_committed reader.
	 */
	private static Map<TopicPartition, Long> quietEndOffsets() {
		// Asked at once: Awaitility's first look comes after its poll interval (100 ms)
		// otherwise, twice per case, a third of this class's time.
		return await().pollDelay(Duration.ZERO).atMost(QUIET_WITHIN).until(() -> {
			Map<TopicPartition, Long> latest = endOffsets(IsolationLevel.READ_UNCOMMITTED);
			return latest.equals(endOffsets(IsolationLevel.READ_COMMITTED)) ? latest : null;
		}, Objects::nonNull);
	}

	/** Places a valid order with an Idempotency-Key of its own. */
	private Existing placeOrder() throws Exception {
		String key = "bad-input-tests-" + UUID.randomUUID();
		HttpResponse<String> placed = this.http.send(HttpRequest.newBuilder(uri("/api/orders"))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(valid().replace(MARKER, "existing-" + key)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		return new Existing(json.readTree(placed.body()).get("orderId").asString(), key);
	}

	private static Map<TopicPartition, Long> endOffsets(IsolationLevel isolation) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, Topics.PARTITIONS)
			.boxed()
			.collect(Collectors.toMap((partition) -> new TopicPartition(Topics.ORDERS, partition),
					(partition) -> OffsetSpec.latest()));
		return admin.listOffsets(latest, new ListOffsetsOptions(isolation))
			.all()
			.get(30, TimeUnit.SECONDS)
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().offset()));
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static String resolve(String text, String marker, @Nullable Existing existing) {
		String resolved = text.replace(MARKER, marker);
		return (existing != null)
				? resolved.replace(EXISTING_ORDER, existing.orderId()).replace(EXISTING_KEY, existing.idempotencyKey())
				: resolved;
	}

	private static final String LINE = "{\"sku\": \"SKU-1\", \"quantity\": 2, \"unitPrice\": \"12.50\"}";

	/** A valid order whose customerId is the marker. */
	private static String valid() {
		return orderWith("customerId", "\"" + MARKER + "\"");
	}

	/**
	 * The valid order with one top-level property set to a raw JSON value, or left out if
	 * that is {@code null}.
	 */
	private static String orderWith(String property, @Nullable String rawJson) {
		Map<String, String> order = new LinkedHashMap<>();
		order.put("customerId", "\"" + MARKER + "\"");
		order.put("currency", "\"EUR\"");
		order.put("shippingCountry", "\"DE\"");
		order.put("lines", "[" + LINE + "]");
		return toJson(order, property, rawJson);
	}

	/** The valid order with one property of its line set or left out. */
	private static String orderWithLine(String property, @Nullable String rawJson) {
		Map<String, String> line = new LinkedHashMap<>();
		line.put("sku", "\"SKU-1\"");
		line.put("quantity", "2");
		line.put("unitPrice", "\"12.50\"");
		return orderWith("lines", "[" + toJson(line, property, rawJson) + "]");
	}

	private static String toJson(Map<String, String> properties, String property, @Nullable String rawJson) {
		if (rawJson == null) {
			properties.remove(property);
		}
		else {
			properties.put(property, rawJson);
		}
		return properties.entrySet()
			.stream()
			.map((entry) -> "\"" + entry.getKey() + "\": " + entry.getValue())
			.collect(Collectors.joining(", ", "{", "}"));
	}

	private static String reason(String rawJson) {
		return "{\"reason\": " + rawJson + "}";
	}

	/**
	 * Pads the customerId so that the body is exactly {@code size} bytes once the marker
	 * is in place.
	 */
	private static String pad(String body, int size) {
		int markerLength = newMarker().length();
		return body.replace(MARKER, MARKER + "x".repeat(size - (body.length() - MARKER.length() + markerLength)));
	}

	private static String newMarker() {
		return "bad-" + UUID.randomUUID();
	}

	private static BadInput order(String name, int status, @Nullable String field, String body, int... raw) {
		return request(name, "POST", "/api/orders", status, field, body, raw);
	}

	private static BadInput customerId(String name, String rawJsonString) {
		return order(name, 400, "customerId", orderWith("customerId", "\"" + rawJsonString + "\""));
	}

	private static BadInput cancelExisting(String name, int status, @Nullable String field, String body) {
		return request(name, "POST", "/api/orders/" + EXISTING_ORDER + "/cancel", status, field, body);
	}

	private static BadInput request(String name, String method, String path, int status, @Nullable String field,
			String body, int... raw) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		if (raw.length > 0) {
			ByteArrayOutputStream rawBytes = new ByteArrayOutputStream();
			Arrays.stream(raw).forEach(rawBytes::write);
			bytes = replace(bytes, RAW.getBytes(StandardCharsets.UTF_8), rawBytes.toByteArray());
		}
		// A body-less GET or DELETE has no Content-Type; everything else declares JSON.
		String contentType = (body.isEmpty() && !method.equals("POST")) ? null : "application/json";
		return new BadInput(name, method, path, contentType, bytes, Map.of(), false, status, field);
	}

	private static byte[] replace(byte[] bytes, String target, String replacement) {
		return replace(bytes, target.getBytes(StandardCharsets.UTF_8), replacement.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] replace(byte[] bytes, byte[] target, byte[] replacement) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
		int from = 0;
		for (int at = indexOf(bytes, target, 0); at >= 0; at = indexOf(bytes, target, from)) {
			out.write(bytes, from, at - from);
			out.writeBytes(replacement);
			from = at + target.length;
		}
		out.write(bytes, from, bytes.length - from);
		return out.toByteArray();
	}

	private static int indexOf(byte[] bytes, byte[] target, int from) {
		for (int i = from; i <= bytes.length - target.length; i++) {
			if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * One bad request and what it must be answered with.
	 *
	 * @param name what is wrong with it, as the test report shows it
	 * @param method the HTTP method
	 * @param path the path, which may contain {@link #EXISTING_ORDER}
	 * @param contentType the Content-Type header, none if {@code null}
	 * @param body the body bytes, which may contain {@link #MARKER}
	 * @param headers further headers, whose values may contain the placeholders
	 * @param chunked whether to send the body chunked, without a Content-Length
	 * @param expectedStatus the 4xx it must be answered with
	 * @param expectedField the field the problem must name in {@code errors}, if any
	 */
	record BadInput(String name, String method, String path, @Nullable String contentType, byte[] body,
			Map<String, String> headers, boolean chunked, int expectedStatus, @Nullable String expectedField) {

		BadInput withContentType(@Nullable String contentType) {
			return new BadInput(this.name, this.method, this.path, contentType, this.body, this.headers, this.chunked,
					this.expectedStatus, this.expectedField);
		}

		BadInput withHeader(String name, String value) {
			Map<String, String> headers = new TreeMap<>(this.headers);
			headers.put(name, value);
			return new BadInput(this.name, this.method, this.path, this.contentType, this.body, Map.copyOf(headers),
					this.chunked, this.expectedStatus, this.expectedField);
		}

		BadInput sentChunked() {
			return new BadInput(this.name, this.method, this.path, this.contentType, this.body, this.headers, true,
					this.expectedStatus, this.expectedField);
		}

		boolean needsAnOrder() {
			return this.path.contains(EXISTING_ORDER) || this.headers.containsValue(EXISTING_KEY);
		}

		/** Everything that goes on the wire, to show that no two inputs are the same. */
		String fingerprint() {
			return String.join("|", this.method, this.path, String.valueOf(this.contentType),
					new TreeMap<>(this.headers).toString(), String.valueOf(this.chunked),
					Base64.getEncoder().encodeToString(this.body));
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/**
	 * A valid order, placed for a case to cancel or to reuse the key of.
	 *
	 * @param orderId the order
	 * @param idempotencyKey the key it was placed with
	 */
	record Existing(String orderId, String idempotencyKey) {

	}

	/**
	 * What {@code orders} holds at one moment.
	 *
	 * @param records every committed record, values as the bytes on the wire
	 * @param endOffsets the log end offset of each partition
	 */
	record OrdersTopic(List<ConsumerRecord<String, byte[]>> records, Map<TopicPartition, Long> endOffsets) {

		Map<Integer, Long> perPartition() {
			return this.records.stream()
				.collect(Collectors.groupingBy((record) -> record.partition(), TreeMap::new, Collectors.counting()));
		}

	}

}
