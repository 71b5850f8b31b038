package com.example.orderflow.demo.console;

import java.util.List;

import com.sun.net.httpserver.Headers;

/**
 * Who may talk to the console. Every request must name the console itself as its
 * {@code Host} (a page elsewhere that rebinds its own name to 127.0.0.1 does not), and an
 * action must come from the console's own page: its {@code Origin} is the console's and,
 * where the browser says, {@code Sec-Fetch-Site} is {@code same-origin}. A page on
 * another origin that posts to the console, by a form or by a script, is refused before
 * anything is done: it cannot make the demo kill a broker.
 */
final class SameOrigin {

	private final List<String> hosts;

	private final List<String> origins;

	SameOrigin(int port) {
		this.hosts = List.of("127.0.0.1:" + port, "localhost:" + port);
		this.origins = this.hosts.stream().map((host) -> "http://" + host).toList();
	}

	/** Whether a request is addressed to the console by its own name. */
	boolean addressedHere(Headers headers) {
		String host = headers.getFirst("Host");
		return host != null && this.hosts.contains(host);
	}

	/**
	 * Why an action is refused, or {@code null} if it comes from the console's page.
	 */
	String refusal(Headers headers) {
		String origin = headers.getFirst("Origin");
		if (origin == null || !this.origins.contains(origin)) {
			return "actions answer only the console's own page (Origin " + origin + " is not " + this.origins.get(0)
					+ ")";
		}
		String site = headers.getFirst("Sec-Fetch-Site");
		if (site != null && !site.equals("same-origin")) {
			return "actions answer only the console's own page (Sec-Fetch-Site " + site + ")";
		}
		String type = headers.getFirst("Content-Type");
		if (type == null || !type.startsWith("application/json")) {
			return "actions take JSON (Content-Type application/json)";
		}
		return null;
	}

}
