package com.example.orderflow.cluster.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The last lines of a log, to put in front of someone whose process died early. */
public final class LogTail {

	/** Enough for a stack trace, without reading a log of gigabytes. */
	private static final int MAX_BYTES = 64 * 1024;

	private LogTail() {
	}

	public static String of(Path log, int lines) {
		if (!Files.isRegularFile(log)) {
			return "(no log at " + log + ")";
		}
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long start = Math.max(0, file.length() - MAX_BYTES);
			byte[] bytes = new byte[(int) (file.length() - start)];
			file.seek(start);
			file.readFully(bytes);
			String[] all = new String(bytes, StandardCharsets.UTF_8).split("\\R");
			return Arrays.stream(all, Math.max(0, all.length - lines), all.length)
				.map((line) -> "    | " + line)
				.collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			return "(could not read " + log + ": " + ex.getMessage() + ")";
		}
	}

}
