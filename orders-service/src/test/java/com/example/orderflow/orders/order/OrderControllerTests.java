package com.example.orderflow.orders.order;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.example.orderflow.events.OrderCancelled;
import com.example.orderflow.events.OrderCreated;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP contract of the orders API: what is accepted, and the problem detail for
 * everything that is not. Kafka is replaced by {@link RecordingOrderEvents}, which also
 * shows that a rejected request writes nothing.
 */
@WebMvcTest(OrderController.class)
@Import({ Orders.class, OrderBook.class, IdempotencyKeys.class, OrderConfiguration.class,
		OrderControllerTests.Outbound.class })
class OrderControllerTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private MockMvc mvc;

	@Autowired
	private RecordingOrderEvents events;

	@BeforeEach
	void resetEvents() {
		this.events.reset();
	}

	@Test
	void validOrderIsAnswered201WithLocationAndTotal() throws Exception {
		MvcResult result = place(validOrder()).andExpect(status().isCreated())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.status").value("CREATED"))
			.andExpect(jsonPath("$.total.amount").value("25.00"))
			.andExpect(jsonPath("$.total.currency").value("EUR"))
			.andReturn();
		String orderId = body(result).get("orderId").asString();
		assertThat(result.getResponse().getHeader("Location")).isEqualTo("/api/orders/" + orderId);
		assertThat(this.events.published()).singleElement().isInstanceOfSatisfying(OrderCreated.class, (created) -> {
			assertThat(created.orderId()).hasToString(orderId);
			assertThat(created.customerId()).isEqualTo("c-1");
			assertThat(created.shippingCountry()).isEqualTo("DE");
			assertThat(created.total().amount()).isEqualByComparingTo("25.00");
			assertThat(created.lines()).singleElement()
				.satisfies((line) -> assertThat(line.unitPrice().amount()).hasToString("12.50"));
		});
	}

	@Test
	void unitPriceIsReadExactlyFromAJsonNumberOrString() throws Exception {
		Map<String, Object> order = validOrder();
		List<Map<String, Object>> lines = lines(order);
		lines.add(line("SKU-2", 3, new java.math.BigDecimal("0.10")));
		lines.add(line("SKU-3", 1, "0.20"));
		place(order).andExpect(status().isCreated()).andExpect(jsonPath("$.total.amount").value("25.50"));
	}

	@Test
	void customerIdInAnyScriptIsAccepted() throws Exception {
		Map<String, Object> order = validOrder();
		order.put("customerId", "Jürgen-山田-Ελένη-😀");
		place(order).andExpect(status().isCreated());
		assertThat(this.events.published()).singleElement()
			.isInstanceOfSatisfying(OrderCreated.class,
					(created) -> assertThat(created.customerId()).isEqualTo("Jürgen-山田-Ελένη-😀"));
	}

	@Test
	void yenPricesHaveNoDecimalsAndDinarPricesHaveThree() throws Exception {
		Map<String, Object> yen = validOrder();
		yen.put("currency", "JPY");
		lines(yen).get(0).put("unitPrice", "1250");
		place(yen).andExpect(status().isCreated()).andExpect(jsonPath("$.total.amount").value("2500"));
		lines(yen).get(0).put("unitPrice", "1250.5");
		expectInvalid(place(yen), "lines[0].unitPrice");
		Map<String, Object> dinar = validOrder();
		dinar.put("currency", "BHD");
		lines(dinar).get(0).put("unitPrice", "1.125");
		place(dinar).andExpect(status().isCreated()).andExpect(jsonPath("$.total.amount").value("2.250"));
	}

	static Stream<Arguments> invalidValues() {
		return Stream.of(Arguments.of("customerId", null), Arguments.of("customerId", "  "),
				Arguments.of("customerId", "c".repeat(101)), Arguments.of("customerId", "c-1\nFAKE LOG LINE"),
				Arguments.of("currency", null), Arguments.of("currency", "EURO"), Arguments.of("currency", "XYZ"),
				Arguments.of("currency", "eur"), Arguments.of("shippingCountry", null),
				Arguments.of("shippingCountry", "de"), Arguments.of("shippingCountry", "DEU"),
				Arguments.of("shippingCountry", "ZZ"), Arguments.of("lines", null), Arguments.of("lines", List.of()),
				Arguments.of("lines[0].sku", null), Arguments.of("lines[0].sku", ""),
				Arguments.of("lines[0].sku", "SKU 1"), Arguments.of("lines[0].sku", "S".repeat(65)),
				Arguments.of("lines[0].quantity", null), Arguments.of("lines[0].quantity", 0),
				Arguments.of("lines[0].quantity", -2), Arguments.of("lines[0].quantity", 1001),
				Arguments.of("lines[0].unitPrice", null), Arguments.of("lines[0].unitPrice", "0"),
				Arguments.of("lines[0].unitPrice", "-12.50"), Arguments.of("lines[0].unitPrice", "12.345"),
				Arguments.of("lines[0].unitPrice", "1E+999999999"), Arguments.of("lines[0].unitPrice", "1E-999999999"),
				Arguments.of("lines[0].unitPrice", "1000000000"));
	}

	@ParameterizedTest(name = "{0} = {1} is named")
	@MethodSource("invalidValues")
	void eachInvalidFieldIsNamedInTheProblem(String field, Object value) throws Exception {
		Map<String, Object> order = validOrder();
		set(order, field, value);
		place(order).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.errors[*].field", hasItem(field)))
			.andExpect(jsonPath("$.errors[0].message").isNotEmpty());
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void everyFieldAtFaultIsNamedInOneProblem() throws Exception {
		Map<String, Object> order = validOrder();
		order.put("customerId", "");
		order.put("currency", "ABC");
		order.put("shippingCountry", "Germany");
		lines(order).add(line("bad sku", -1, "-0.001"));
		place(order).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("customerId", "currency", "shippingCountry",
					"lines[1].sku", "lines[1].quantity", "lines[1].unitPrice", "lines[1].unitPrice")));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void unknownCurrencyIsRejected() throws Exception {
		Map<String, Object> order = validOrder();
		order.put("currency", "ZZZ");
		expectInvalid(place(order), "currency").andExpect(jsonPath("$.errors[0].message", containsString("ISO 4217")));
	}

	@Test
	void negativeQuantityIsRejected() throws Exception {
		Map<String, Object> order = validOrder();
		lines(order).get(0).put("quantity", -1);
		expectInvalid(place(order), "lines[0].quantity");
	}

	@Test
	void nullLineIsNamedByItsIndex() throws Exception {
		Map<String, Object> order = validOrder();
		lines(order).add(null);
		expectInvalid(place(order), "lines[1]");
	}

	@Test
	void moreThanAHundredLinesAreRejected() throws Exception {
		Map<String, Object> order = validOrder();
		for (int i = 0; i < 100; i++) {
			lines(order).add(line("SKU-" + i, 1, "1.00"));
		}
		expectInvalid(place(order), "lines");
	}

	@Test
	void malformedJsonIsAProblem() throws Exception {
		place("{\"customerId\": \"c-1\", ").andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail", startsWith("Malformed JSON")));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void missingBodyIsAProblem() throws Exception {
		place("").andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value("The request body is missing."));
	}

	static Stream<Arguments> wrongTypes() {
		return Stream.of(Arguments.of("lines[0].quantity", "two", "must be a whole number"),
				Arguments.of("lines[0].quantity", 2.5, "must be a whole number"),
				Arguments.of("lines[0].unitPrice", "12,50", "must be a decimal number, as a JSON number or string"),
				Arguments.of("lines[0].unitPrice", true, "must be a decimal number, as a JSON number or string"),
				Arguments.of("lines", "SKU-1", "must be an array"), Arguments.of("lines[0]", 7, "must be an object"),
				Arguments.of("customerId", Map.of("id", 1), "must be a string"));
	}

	@ParameterizedTest(name = "{0} = {1}")
	@MethodSource("wrongTypes")
	void valueOfTheWrongTypeIsNamedFromTheJsonPath(String field, Object value, String message) throws Exception {
		Map<String, Object> order = validOrder();
		set(order, field, value);
		place(order).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors", hasSize(1)))
			.andExpect(jsonPath("$.errors[0].field").value(field))
			.andExpect(jsonPath("$.errors[0].message").value(message));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void unknownPropertyIsRejectedAsAProbableTypo() throws Exception {
		Map<String, Object> order = validOrder();
		order.put("shipingCountry", "FR");
		place(order).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors[0].field").value("shipingCountry"))
			.andExpect(jsonPath("$.errors[0].message").value("is not a known property"));
		Map<String, Object> nested = validOrder();
		lines(nested).get(0).put("quantiy", 3);
		place(nested).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[0].field").value("lines[0].quantiy"));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void wrongContentTypeIs415() throws Exception {
		this.mvc.perform(post("/api/orders").contentType(MediaType.TEXT_PLAIN).content(json(validOrder())))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(415));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void bodyOverTheLimitIs413() throws Exception {
		Map<String, Object> order = validOrder();
		order.put("customerId", "c".repeat(70_000));
		place(order).andExpect(status().isPayloadTooLarge())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(413))
			.andExpect(jsonPath("$.detail", containsString("65536 bytes")));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void retryWithTheSameIdempotencyKeyGetsTheSameOrderAndWritesNothingNew() throws Exception {
		MvcResult first = place(validOrder(), "key-1").andExpect(status().isCreated()).andReturn();
		MvcResult retry = place(validOrder(), "key-1").andExpect(status().isCreated()).andReturn();
		assertThat(retry.getResponse().getContentAsString()).isEqualTo(first.getResponse().getContentAsString());
		assertThat(retry.getResponse().getHeader("Location")).isEqualTo(first.getResponse().getHeader("Location"));
		assertThat(this.events.published()).hasSize(1);
		place(validOrder(), "key-2").andExpect(status().isCreated());
		assertThat(this.events.published()).hasSize(2);
	}

	@Test
	void sameIdempotencyKeyWithAnotherOrderIs409() throws Exception {
		place(validOrder(), "key-3").andExpect(status().isCreated());
		Map<String, Object> other = validOrder();
		lines(other).get(0).put("quantity", 3);
		place(other, "key-3").andExpect(status().isConflict())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(409));
		assertThat(this.events.published()).hasSize(1);
	}

	@Test
	void idempotencyKeyLongerThan200CharactersIsNamed() throws Exception {
		place(validOrder(), "k".repeat(201)).andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("Idempotency-Key")));
		place(validOrder(), "k".repeat(200)).andExpect(status().isCreated());
	}

	@Test
	void invalidHeaderAndBodyAreNamedTogether() throws Exception {
		Map<String, Object> order = validOrder();
		lines(order).get(0).put("quantity", 0);
		place(order, "k".repeat(201)).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("Idempotency-Key", "lines[0].quantity")));
	}

	@Test
	void unavailableClusterIs503WithRetryAfterAndAcceptsNothing() throws Exception {
		this.events.clusterDown(true);
		place(validOrder(), "key-503").andExpect(status().isServiceUnavailable())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(header().string("Retry-After", "5"))
			.andExpect(jsonPath("$.status").value(503))
			.andExpect(jsonPath("$.outcome").value("refused"));
		this.events.clusterDown(false);
		// The key was not taken by the failed attempt: the retry places the order.
		place(validOrder(), "key-503").andExpect(status().isCreated());
		assertThat(this.events.published()).hasSize(1);
	}

	/**
	 * A commit the cluster took but did not settle in time is a 503 too, but one that
	 * says so, in a property a client (and the drills' ledger) can tell from a refusal:
	 * such an order may still become visible.
	 */
	@Test
	void aCommitWhoseOutcomeIsUnknownIs503SayingTheOrderMayStillBeAccepted() throws Exception {
		this.events.outcomeUnknown(true);
		try {
			place(validOrder(), "key-unknown").andExpect(status().isServiceUnavailable())
				.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
				.andExpect(header().string("Retry-After", "5"))
				.andExpect(jsonPath("$.outcome").value("unknown"))
				.andExpect(jsonPath("$.detail", containsString("may still be accepted")));
		}
		finally {
			this.events.outcomeUnknown(false);
		}
	}

	@Test
	void placedOrderCanBeReadBack() throws Exception {
		String orderId = placedOrderId();
		this.mvc.perform(get("/api/orders/{id}", orderId))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.orderId").value(orderId))
			.andExpect(jsonPath("$.status").value("CREATED"))
			.andExpect(jsonPath("$.customerId").value("c-1"))
			.andExpect(jsonPath("$.lines[0].unitPrice.amount").value("12.50"))
			.andExpect(jsonPath("$.total.amount").value("25.00"));
	}

	@Test
	void unknownOrderIs404() throws Exception {
		this.mvc.perform(get("/api/orders/{id}", UUID.randomUUID()))
			.andExpect(status().isNotFound())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
		this.mvc.perform(post("/api/orders/{id}/cancel", UUID.randomUUID()))
			.andExpect(status().isNotFound())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(404));
		assertThat(this.events.published()).isEmpty();
	}

	@Test
	void cancellingTwiceAnswersTheSameAndEmitsOnce() throws Exception {
		String orderId = placedOrderId();
		for (int i = 0; i < 2; i++) {
			this.mvc
				.perform(post("/api/orders/{id}/cancel", orderId).contentType(MediaType.APPLICATION_JSON)
					.content("{\"reason\": \"changed my mind\"}"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.orderId").value(orderId))
				.andExpect(jsonPath("$.status").value("CANCELLED"));
		}
		this.mvc.perform(post("/api/orders/{id}/cancel", orderId)).andExpect(status().isOk());
		assertThat(this.events.published()).hasSize(2)
			.last()
			.isInstanceOfSatisfying(OrderCancelled.class,
					(cancelled) -> assertThat(cancelled.reason()).isEqualTo("changed my mind"));
		this.mvc.perform(get("/api/orders/{id}", orderId))
			.andExpect(jsonPath("$.status").value("CANCELLED"))
			.andExpect(jsonPath("$.cancellationReason").value("changed my mind"));
	}

	@Test
	void cancelWithoutABodyNeedsNoReason() throws Exception {
		String orderId = placedOrderId();
		this.mvc.perform(post("/api/orders/{id}/cancel", orderId))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("CANCELLED"));
	}

	@Test
	void cancelWithATooLongReasonIsRejected() throws Exception {
		String orderId = placedOrderId();
		this.mvc
			.perform(post("/api/orders/{id}/cancel", orderId).contentType(MediaType.APPLICATION_JSON)
				.content(json(Map.of("reason", "r".repeat(501)))))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder("reason")));
		assertThat(this.events.published()).hasSize(1);
	}

	@Test
	void cancelWhileTheClusterIsDownIs503AndTheOrderStaysCreated() throws Exception {
		String orderId = placedOrderId();
		this.events.clusterDown(true);
		this.mvc.perform(post("/api/orders/{id}/cancel", orderId))
			.andExpect(status().isServiceUnavailable())
			.andExpect(header().exists("Retry-After"));
		this.mvc.perform(get("/api/orders/{id}", orderId)).andExpect(jsonPath("$.status").value("CREATED"));
	}

	@Test
	void malformedOrderIdIsAProblem() throws Exception {
		this.mvc.perform(get("/api/orders/{id}", "not-a-uuid"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
	}

	private String placedOrderId() throws Exception {
		return body(place(validOrder()).andExpect(status().isCreated()).andReturn()).get("orderId").asString();
	}

	private ResultActions expectInvalid(ResultActions result, String field) throws Exception {
		return result.andExpect(status().isBadRequest())
			.andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.errors[*].field", containsInAnyOrder(field)));
	}

	private ResultActions place(Map<String, Object> order) throws Exception {
		return place(json(order));
	}

	private ResultActions place(Map<String, Object> order, String idempotencyKey) throws Exception {
		return answered(this.mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON)
			.header(OrderController.IDEMPOTENCY_KEY, idempotencyKey)
			.content(json(order))));
	}

	private ResultActions place(String body) throws Exception {
		return answered(this.mvc.perform(post("/api/orders").contentType(MediaType.APPLICATION_JSON).content(body)));
	}

	/**
	 * A placed order is answered asynchronously, once its commit is done: MockMvc then
	 * dispatches again for the answer. A request refused before that (bad input) is
	 * answered at once.
	 */
	private ResultActions answered(ResultActions request) throws Exception {
		MvcResult result = request.andReturn();
		return result.getRequest().isAsyncStarted() ? this.mvc.perform(asyncDispatch(result)) : request;
	}

	private static JsonNode body(MvcResult result) throws Exception {
		return json.readTree(result.getResponse().getContentAsString());
	}

	private static String json(Object value) {
		return json.writeValueAsString(value);
	}

	/** The order from the API's documentation: 2 x 12.50 EUR. */
	static Map<String, Object> validOrder() {
		Map<String, Object> order = new LinkedHashMap<>();
		order.put("customerId", "c-1");
		order.put("currency", "EUR");
		order.put("shippingCountry", "DE");
		order.put("lines", new ArrayList<>(List.of(line("SKU-1", 2, "12.50"))));
		return order;
	}

	static Map<String, Object> line(String sku, Object quantity, Object unitPrice) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("sku", sku);
		line.put("quantity", quantity);
		line.put("unitPrice", unitPrice);
		return line;
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> lines(Map<String, Object> order) {
		return (List<Map<String, Object>>) order.get("lines");
	}

	/** Sets {@code field} or {@code lines[i]} or {@code lines[i].field}. */
	@SuppressWarnings("unchecked")
	static void set(Map<String, Object> order, String path, Object value) {
		if (!path.startsWith("lines[")) {
			order.put(path, value);
			return;
		}
		int index = Integer.parseInt(path.substring("lines[".length(), path.indexOf(']')));
		List<Object> lines = (List<Object>) order.get("lines");
		if (path.endsWith("]")) {
			lines.set(index, value);
		}
		else {
			((Map<String, Object>) lines.get(index)).put(path.substring(path.indexOf("].") + 2), value);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Outbound {

		@Bean
		RecordingOrderEvents orderEvents() {
			return new RecordingOrderEvents();
		}

	}

}
