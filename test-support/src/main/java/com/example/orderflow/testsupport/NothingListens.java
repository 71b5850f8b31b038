package com.example.orderflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port where nothing listens: a cluster that is gone or was never there, for a
 * client that must give up on it or say so.
 */
public final class NothingListens {

	private NothingListens() {
	}

	/** A port that was free on 127.0.0.1 a moment ago. */
	public static int port() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free loopback port", ex);
		}
	}

	/** {@code 127.0.0.1:<port>}, as bootstrap servers. */
	public static String address() {
		return "127.0.0.1:" + port();
	}

}
