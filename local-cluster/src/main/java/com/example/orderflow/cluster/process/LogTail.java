package com.example.orderflow.cluster.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The end of a log: its last lines, to put in front of someone whose process died early,
 * or whether it says something yet.
 */
public final class LogTail {

	/** Enough for a stack trace, without reading a log of gigabytes. */
	private static final int MAX_BYTES = 64 * 1024;

	private LogTail() {
	}

	public static String of(Path log, int lines) {
		if (!Files.isRegularFile(log)) {
			return "(no log at " + log + ")";
		}
		try {
			String[] all = end(log).split("\\R");
			return Arrays.stream(all, Math.max(0, all.length - lines), all.length)
				.map((line) -> "    | " + line)
				.collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			return "(could not read " + log + ": " + ex.getMessage() + ")";
		}
	}

	/**
	 * Whether the end of the log (its last 64 KB) holds the text; false if unreadable.
	 */
	public static boolean contains(Path log, String text) {
		try {
			return Files.isRegularFile(log) && end(log).contains(text);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String end(Path log) throws IOException {
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long start = Math.max(0, file.length() - MAX_BYTES);
			byte[] bytes = new byte[(int) (file.length() - start)];
			file.seek(start);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
	}

}
