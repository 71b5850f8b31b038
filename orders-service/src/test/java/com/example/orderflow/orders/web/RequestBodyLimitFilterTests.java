package com.example.orderflow.orders.web;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.StreamUtils;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBodyLimitFilterTests {

	private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(new RequestLimits(DataSize.ofBytes(16)),
			JsonMapper.builder().build());

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	private final MockFilterChain chain = new MockFilterChain();

	@Test
	void declaredLengthOverTheLimitIs413() throws Exception {
		this.filter.doFilter(post("{\"a\":\"0123456789\"}"), this.response, this.chain);
		assertRejected();
	}

	@Test
	void chunkedBodyOverTheLimitIs413() throws Exception {
		this.filter.doFilter(chunked("{\"a\":\"0123456789\"}"), this.response, this.chain);
		assertRejected();
	}

	@Test
	void chunkedBodyWithinTheLimitReachesTheHandlerUnchanged() throws Exception {
		this.filter.doFilter(chunked("{\"a\":\"012345\"}"), this.response, this.chain);
		HttpServletRequest passed = (HttpServletRequest) this.chain.getRequest();
		assertThat(passed).isNotNull();
		assertThat(StreamUtils.copyToString(passed.getInputStream(), StandardCharsets.UTF_8))
			.isEqualTo("{\"a\":\"012345\"}");
		assertThat(passed.getContentLengthLong()).isEqualTo(14);
		assertThat(this.response.getStatus()).isEqualTo(200);
	}

	@Test
	void bodyOfExactlyTheLimitPasses() throws Exception {
		this.filter.doFilter(post("{\"a\":\"01234567\"}"), this.response, this.chain);
		assertThat(this.chain.getRequest()).isNotNull();
		this.filter.doFilter(chunked("{\"a\":\"01234567\"}"), new MockHttpServletResponse(), new MockFilterChain());
	}

	private void assertRejected() throws Exception {
		assertThat(this.chain.getRequest()).as("passed on").isNull();
		assertThat(this.response.getStatus()).isEqualTo(413);
		assertThat(this.response.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(this.response.getContentAsString()).contains("\"status\":413")
			.contains("larger than the limit of 16 bytes");
	}

	private static MockHttpServletRequest post(String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/orders");
		request.setContentType(MediaType.APPLICATION_JSON_VALUE);
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

	/** A body whose length the client did not declare, as with chunked encoding. */
	private static MockHttpServletRequest chunked(String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/orders") {

			@Override
			public int getContentLength() {
				return -1;
			}

			@Override
			public long getContentLengthLong() {
				return -1;
			}

		};
		request.addHeader("Transfer-Encoding", "chunked");
		request.setContentType(MediaType.APPLICATION_JSON_VALUE);
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

}
