package com.example.orderflow.cluster.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The ACL matrix file: how it is read, what it grants, and that the README shows it. */
class AclMatrixTests {

	private final AclMatrix matrix = AclMatrix.load();

	@Test
	void aRowBecomesOneAllowBindingPerNameAndOperation() {
		AclMatrix parsed = AclMatrix.parse("""
				# a comment

				shipping	topic	literal	orders-shipping-service-retry-1, orders-shipping-service-dlt	READ, WRITE
				shipping	transactional-id	prefixed	shipping.	WRITE
				""");
		assertThat(parsed.bindings()).containsExactly(
				binding("shipping", ResourceType.TOPIC, "orders-shipping-service-retry-1", PatternType.LITERAL,
						AclOperation.READ),
				binding("shipping", ResourceType.TOPIC, "orders-shipping-service-retry-1", PatternType.LITERAL,
						AclOperation.WRITE),
				binding("shipping", ResourceType.TOPIC, "orders-shipping-service-dlt", PatternType.LITERAL,
						AclOperation.READ),
				binding("shipping", ResourceType.TOPIC, "orders-shipping-service-dlt", PatternType.LITERAL,
						AclOperation.WRITE),
				binding("shipping", ResourceType.TRANSACTIONAL_ID, "shipping.", PatternType.PREFIXED,
						AclOperation.WRITE));
	}

	@Test
	void aBadRowIsRefusedWithItsLineNumber() {
		assertThatIllegalArgumentException().isThrownBy(() -> AclMatrix.parse("# c\norders\ttopic\tliteral\torders"))
			.withMessageContaining("Line 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> AclMatrix.parse("orders\tcluster\tliteral\tkafka-cluster\tALTER"))
			.withMessageContaining("unknown resource cluster");
		assertThatIllegalArgumentException().isThrownBy(() -> AclMatrix.parse("orders\ttopic\tliteral\t*\tREAD"))
			.withMessageContaining("no wildcard");
		assertThatIllegalArgumentException().isThrownBy(() -> AclMatrix.parse("orders\ttopic\tliteral\torders\tALL"))
			.withMessageContaining("ALL");
	}

	@Test
	void everyGroupOnOrdersBelongsToOnePrincipalThatReadsOrdersAndWritesItsOwnOutputAndDeadLetterTopic() {
		List<String> groups = new ArrayList<>(ConsumerGroups.ALL);
		groups.add(ConsumerGroups.BILLING_V2_LIVE);
		for (String group : groups) {
			String output = ConsumerGroups.OUTPUT_TOPICS.getOrDefault(group, Topics.INVOICES);
			Set<String> readers = principalsWith(ResourceType.GROUP, group, AclOperation.READ);
			// Billing's cut-over hands offsets between the two live groups, so each live
			// principal may also set the other's.
			assertThat(readers).as(group).contains(ownerOf(group));
			String owner = ownerOf(group);
			assertThat(principalsWith(ResourceType.TOPIC, Topics.ORDERS, AclOperation.READ)).contains(owner);
			assertThat(principalsWith(ResourceType.TOPIC, output, AclOperation.WRITE)).as(output).contains(owner);
			assertThat(principalsWith(ResourceType.TOPIC, Topics.deadLetter(group), AclOperation.WRITE))
				.containsExactly(owner);
			assertThat(principalsWith(ResourceType.TOPIC, Topics.retry(group, 1), AclOperation.WRITE))
				.containsExactly(owner);
		}
		assertThat(principalsWith(ResourceType.TOPIC, Topics.ORDERS, AclOperation.WRITE)).containsExactly("orders");
		assertThat(principalsWith(ResourceType.TOPIC, Topics.INVOICES, AclOperation.WRITE))
			.containsExactlyInAnyOrder("billing", "billing-v2-live");
	}

	@Test
	void noTransactionalIdPrefixIsThePrefixOfAnotherPrincipals() {
		List<String> prefixes = this.matrix.rows()
			.stream()
			.filter((row) -> row.resource() == ResourceType.TRANSACTIONAL_ID)
			.flatMap((row) -> row.names().stream())
			.toList();
		assertThat(prefixes).hasSize(8 - 1);
		for (String prefix : prefixes) {
			assertThat(prefixes).filteredOn((other) -> other.startsWith(prefix)).containsExactly(prefix);
		}
	}

	@Test
	void theReadmeShowsTheMatrixAsATable() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		List<String> tableRows = readme.lines()
			.dropWhile((line) -> !line.startsWith("| principal | resource | pattern | names | operations |"))
			.skip(2)
			.takeWhile((line) -> line.startsWith("|"))
			.toList();
		List<String> expected = this.matrix.rows()
			.stream()
			.map((row) -> "| `%s` | %s | %s | %s | %s |".formatted(row.principal(),
					AclMatrix.Row.spelling(row.resource()), row.pattern().name().toLowerCase(),
					row.names().stream().map((name) -> "`" + name + "`").collect(Collectors.joining(", ")),
					row.operations().stream().map(AclOperation::name).collect(Collectors.joining(", "))))
			.toList();
		assertThat(tableRows).isEqualTo(expected);
	}

	private Set<String> principalsWith(ResourceType resource, String name, AclOperation operation) {
		return this.matrix.rows()
			.stream()
			.filter((row) -> row.resource() == resource && row.pattern() == PatternType.LITERAL
					&& row.names().contains(name) && row.operations().contains(operation))
			.map(AclMatrix.Row::principal)
			.collect(Collectors.toSet());
	}

	/** The principal that reads orders as the group and writes its dead letters. */
	private String ownerOf(String group) {
		return this.matrix.rows()
			.stream()
			.filter((row) -> row.resource() == ResourceType.TOPIC && row.names().contains(Topics.deadLetter(group)))
			.map(AclMatrix.Row::principal)
			.findFirst()
			.orElseThrow(() -> new AssertionError("nobody writes " + Topics.deadLetter(group)));
	}

	private static AclBinding binding(String principal, ResourceType resource, String name, PatternType pattern,
			AclOperation operation) {
		return new AclBinding(new ResourcePattern(resource, name, pattern),
				new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
	}

}
