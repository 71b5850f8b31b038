package com.example.orderflow.demo.console;

import java.util.Map;

import com.sun.net.httpserver.Headers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SameOriginTests {

	private final SameOrigin sameOrigin = new SameOrigin(8080);

	@Test
	void theConsolesOwnPageMayAct() {
		assertThat(this.sameOrigin.refusal(headers(Map.of("Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site",
				"same-origin", "Content-Type", "application/json"))))
			.isNull();
		assertThat(this.sameOrigin
			.refusal(headers(Map.of("Origin", "http://localhost:8080", "Content-Type", "application/json")))).isNull();
	}

	@Test
	void aPageElsewhereOrARequestWithoutOriginMayNot() {
		assertThat(this.sameOrigin
			.refusal(headers(Map.of("Origin", "http://attacker.example", "Content-Type", "application/json"))))
			.contains("Origin http://attacker.example");
		assertThat(this.sameOrigin
			.refusal(headers(Map.of("Origin", "http://127.0.0.1:9999", "Content-Type", "application/json"))))
			.isNotNull();
		assertThat(this.sameOrigin.refusal(headers(Map.of("Content-Type", "application/json")))).isNotNull();
		assertThat(this.sameOrigin.refusal(headers(Map.of("Origin", "http://127.0.0.1:8080", "Sec-Fetch-Site",
				"cross-site", "Content-Type", "application/json"))))
			.contains("cross-site");
	}

	@Test
	void aFormPostIsNotAnAction() {
		// A cross-site form can send no JSON content type without a preflight.
		assertThat(this.sameOrigin.refusal(headers(
				Map.of("Origin", "http://127.0.0.1:8080", "Content-Type", "application/x-www-form-urlencoded"))))
			.contains("JSON");
	}

	@Test
	void onlyTheConsolesOwnNamesAreAddressedHere() {
		assertThat(this.sameOrigin.addressedHere(headers(Map.of("Host", "127.0.0.1:8080")))).isTrue();
		assertThat(this.sameOrigin.addressedHere(headers(Map.of("Host", "localhost:8080")))).isTrue();
		// A name an attacker rebinds to 127.0.0.1.
		assertThat(this.sameOrigin.addressedHere(headers(Map.of("Host", "attacker.example:8080")))).isFalse();
		assertThat(this.sameOrigin.addressedHere(headers(Map.of()))).isFalse();
	}

	private static Headers headers(Map<String, String> values) {
		Headers headers = new Headers();
		values.forEach(headers::add);
		return headers;
	}

}
