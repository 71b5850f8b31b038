package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACL matrix, declared once in {@code acl-matrix.tsv} beside this class: each row
 * names a principal, a resource type, a pattern, resource names and operations. The
 * launcher creates its bindings; the tests compare the cluster's ACLs and the README's
 * table with it.
 *
 * @param rows the rows in file order
 */
public record AclMatrix(List<Row> rows) {

	/** The file, on the classpath beside this class. */
	public static final String RESOURCE = "acl-matrix.tsv";

	public AclMatrix {
		rows = List.copyOf(rows);
	}

	/** The matrix this module ships. */
	public static AclMatrix load() {
		try (InputStream in = AclMatrix.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads the tab-separated text; lines that are blank or start with {@code #} are
	 * comments.
	 * @throws IllegalArgumentException naming the line that is not a valid row
	 */
	public static AclMatrix parse(String text) {
		List<Row> rows = new ArrayList<>();
		String[] lines = text.split("\r?\n");
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			try {
				rows.add(Row.parse(line));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Line " + (i + 1) + " of the ACL matrix: " + ex.getMessage(), ex);
			}
		}
		return new AclMatrix(rows);
	}

	/** One ALLOW binding for every name and operation of every row, host {@code *}. */
	public Set<AclBinding> bindings() {
		Set<AclBinding> bindings = new LinkedHashSet<>();
		this.rows.forEach((row) -> bindings.addAll(row.bindings()));
		return bindings;
	}

	/** Every principal the matrix names, in file order. */
	public Set<String> principals() {
		Set<String> principals = new LinkedHashSet<>();
		this.rows.forEach((row) -> principals.add(row.principal()));
		return principals;
	}

	/**
	 * One row.
	 *
	 * @param principal the user name, {@code User:<principal>} to Kafka
	 * @param resource topic, group or transactional id
	 * @param pattern literal or prefixed
	 * @param names the resource names (or prefixes)
	 * @param operations what the principal may do on each
	 */
	public record Row(String principal, ResourceType resource, PatternType pattern, List<String> names,
			List<AclOperation> operations) {

		private static final List<ResourceType> RESOURCES = List.of(ResourceType.TOPIC, ResourceType.GROUP,
				ResourceType.TRANSACTIONAL_ID);

		private static final List<PatternType> PATTERNS = List.of(PatternType.LITERAL, PatternType.PREFIXED);

		public Row {
			names = List.copyOf(names);
			operations = List.copyOf(operations);
			if (principal.isBlank() || names.isEmpty() || operations.isEmpty()) {
				throw new IllegalArgumentException("a row needs a principal, names and operations");
			}
			if (names.contains("*")) {
				// A wildcard would let a principal out of its lane: every name is spelt
				// out.
				throw new IllegalArgumentException("no wildcard names");
			}
		}

		static Row parse(String line) {
			String[] columns = line.split("\t");
			if (columns.length != 5) {
				throw new IllegalArgumentException("5 tab-separated columns expected, found " + columns.length);
			}
			return new Row(columns[0].strip(), resource(columns[1].strip()), pattern(columns[2].strip()),
					list(columns[3]), list(columns[4]).stream().map(Row::operation).toList());
		}

		/** The resource type as the matrix spells it: topic, group, transactional-id. */
		public static String spelling(ResourceType resource) {
			return resource.name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		private static ResourceType resource(String value) {
			return RESOURCES.stream()
				.filter((type) -> spelling(type).equals(value))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("unknown resource " + value + ", expected one of "
						+ RESOURCES.stream().map(Row::spelling).toList()));
		}

		private static PatternType pattern(String value) {
			return PATTERNS.stream()
				.filter((type) -> type.name().equalsIgnoreCase(value))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(
						"unknown pattern " + value + ", expected literal or prefixed"));
		}

		private static AclOperation operation(String value) {
			AclOperation operation = AclOperation.fromString(value);
			if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY || operation == AclOperation.ALL) {
				throw new IllegalArgumentException("operation " + value + " is not one a row may grant");
			}
			return operation;
		}

		private static List<String> list(String column) {
			return Arrays.stream(column.split(",")).map(String::strip).filter((value) -> !value.isEmpty()).toList();
		}

		List<AclBinding> bindings() {
			List<AclBinding> bindings = new ArrayList<>();
			for (String name : this.names) {
				for (AclOperation operation : this.operations) {
					bindings.add(new AclBinding(new ResourcePattern(this.resource, name, this.pattern),
							new AccessControlEntry("User:" + this.principal, "*", operation, AclPermissionType.ALLOW)));
				}
			}
			return bindings;
		}

	}

}
