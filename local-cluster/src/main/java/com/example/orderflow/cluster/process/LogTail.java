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
			String[] all = end(log, 0).split("\\R");
			return Arrays.stream(all, Math.max(0, all.length - lines), all.length)
				.map((line) -> "    | " + line)
				.collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			return "(could not read " + log + ": " + ex.getMessage() + ")";
		}
	}

	/**
	 * Whether the end of the log (its last 64 KB) holds the text, looking no further back
	 * than {@code since}: a length the log had, when its process was launched, say (a log
	 * that several runs append to); false if unreadable.
	 */
	public static boolean contains(Path log, long since, String text) {
		try {
			return Files.isRegularFile(log) && end(log, since).contains(text);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** How long the log is now, 0 if there is none yet. */
	public static long length(Path log) {
		try {
			return Files.isRegularFile(log) ? Files.size(log) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * From {@code since} on, at most the last 64 KB; from the start if it rolled over.
	 */
	private static String end(Path log, long since) throws IOException {
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long from = (since <= file.length()) ? since : 0;
			long start = Math.max(from, file.length() - MAX_BYTES);
			byte[] bytes = new byte[(int) (file.length() - start)];
			file.seek(start);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
	}

}
