package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The HTTP contract of the comparison: field names that scripts (the guided tour) read,
 * the bounded differences, and 404 for an order it has not seen.
 */
@WebMvcTest(value = ComparisonController.class, properties = ComparisonConfiguration.ENABLED + "=true")
@Import(ComparisonControllerTests.TwoOrders.class)
class ComparisonControllerTests {

	private static final UUID MATCHED = UUID.fromString("00000000-0000-0000-0000-000000000001");

	private static final UUID MISMATCHED = UUID.fromString("00000000-0000-0000-0000-000000000002");

	private static final UUID OLDER_MISMATCH = UUID.fromString("00000000-0000-0000-0000-000000000003");

	@Autowired
	private MockMvc mvc;

	@Test
	void summaryNamesEveryCountAndSplitsThemByLiveVersion() throws Exception {
		this.mvc.perform(get("/admin/billing/comparison"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("running"))
			.andExpect(jsonPath("$.gracePeriod").value("PT30S"))
			.andExpect(jsonPath("$.orders").value(3))
			.andExpect(jsonPath("$.compared").value(3))
			.andExpect(jsonPath("$.match").value(1))
			.andExpect(jsonPath("$.mismatch").value(2))
			.andExpect(jsonPath("$.missingInV2").value(0))
			.andExpect(jsonPath("$.missingInV1").value(0))
			.andExpect(jsonPath("$.pending").value(0))
			.andExpect(jsonPath("$.matchRate").value(1.0 / 3))
			.andExpect(jsonPath("$.byLiveVersion.v1.match").value(1))
			.andExpect(jsonPath("$.byLiveVersion.v1.mismatch").value(2))
			.andExpect(jsonPath("$.byLiveVersion.v2.compared").value(0))
			.andExpect(jsonPath("$.byLiveVersion.v2.matchRate").isEmpty());
	}

	@Test
	void differencesAreNewestFirstAndNeverMoreThanKept() throws Exception {
		this.mvc.perform(get("/admin/billing/comparison/differences").param("limit", "1000"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$", hasSize(2)))
			.andExpect(jsonPath("$[0].orderId").value(MISMATCHED.toString()))
			.andExpect(jsonPath("$[0].result").value("MISMATCH"))
			.andExpect(jsonPath("$[0].liveVersion").value("v1"))
			.andExpect(jsonPath("$[0].fields[0].field").value("tax"))
			.andExpect(jsonPath("$[0].fields[0].v1").value("1.33 EUR"))
			.andExpect(jsonPath("$[0].fields[0].v2").value("1.32 EUR"))
			.andExpect(jsonPath("$[0].when").isNotEmpty())
			.andExpect(jsonPath("$[1].orderId").value(OLDER_MISMATCH.toString()));
		this.mvc.perform(get("/admin/billing/comparison/differences").param("limit", "1"))
			.andExpect(jsonPath("$", hasSize(1)));
	}

	@Test
	void oneOrderShowsWhatEachTopicSaidAndAnUnknownOrderIsNotFound() throws Exception {
		this.mvc.perform(get("/admin/billing/comparison/orders/{orderId}", MATCHED))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.result").value("MATCH"))
			.andExpect(jsonPath("$.v1.billingVersion").value("v1"))
			.andExpect(jsonPath("$.v2.invoice.tax.amount").value("1.33"));
		this.mvc.perform(get("/admin/billing/comparison/orders/{orderId}", UUID.randomUUID()))
			.andExpect(status().isNotFound());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TwoOrders {

		@Bean
		ComparisonProperties comparisonProperties() {
			return new ComparisonProperties(true, Duration.ofSeconds(30), Duration.ofSeconds(1), 2,
					Duration.ofSeconds(5), 1);
		}

		@Bean
		Comparisons comparisons(ComparisonProperties properties) {
			Comparisons comparisons = new Comparisons(properties.gracePeriod(), properties.keptDifferences());
			Instant now = Instant.now();
			comparisons.loaded(now);
			comparisons.issued(Side.V1, TestInvoices.issued(OLDER_MISMATCH, "v1", "1.33"), now.minusSeconds(2));
			comparisons.issued(Side.V2, TestInvoices.issued(OLDER_MISMATCH, "v2", "1.32"), now.minusSeconds(2));
			comparisons.issued(Side.V1, TestInvoices.issued(MATCHED, "v1", "1.33"), now.minusSeconds(1));
			comparisons.issued(Side.V2, TestInvoices.issued(MATCHED, "v2", "1.33"), now.minusSeconds(1));
			comparisons.issued(Side.V1, TestInvoices.issued(MISMATCHED, "v1", "1.33"), now);
			comparisons.issued(Side.V2, TestInvoices.issued(MISMATCHED, "v2", "1.32"), now);
			return comparisons;
		}

	}

}
