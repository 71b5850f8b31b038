package com.example.orderflow.demo.drill;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupAssignmentsTests {

	@Test
	void settledMeansEveryMemberOfEveryInstanceInAStableGroupAndTheSixPartitionsSpreadEvenly() {
		// Two instances of a service with three orders consumers and one retry consumer
		// each: eight members, six of them owning one partition.
		List<GroupAssignments.Member> eight = List.of(member("a", 0), member("b", 1), member("c", 2), member("d", 3),
				member("e", 4), member("f", 5), member("r1"), member("r2"));
		assertThat(new GroupAssignments("shipping-service", "Stable", eight).isSettledWith(8)).isTrue();
		assertThat(new GroupAssignments("shipping-service", "Stable", eight).isSettledWith(4))
			.as("one reader per instance is not how many members the instances bring")
			.isFalse();
		assertThat(new GroupAssignments("shipping-service", "Reconciling", eight).isSettledWith(8)).isFalse();
		assertThat(new GroupAssignments("shipping-service", "Stable",
				List.of(member("a", 0, 1, 2), member("b", 3, 4), member("c", 5), member("r1"), member("r2")))
			.isSettledWith(5)).as("shares 3, 2, 1").isFalse();
		assertThat(new GroupAssignments("shipping-service", "Stable",
				List.of(member("a", 0, 1, 2), member("b", 3, 4), member("r1"), member("r2")))
			.isSettledWith(4)).as("partition 5 unowned").isFalse();
		assertThat(new GroupAssignments("fraud-service", "Stable",
				List.of(member("a", 0, 1), member("b", 2, 3), member("c", 4), member("d", 5)))
			.isSettledWith(4)).as("shares 2, 2, 1, 1").isTrue();
	}

	@Test
	void aPartitionWithTwoOwnersIsFoundAndAnUnownedOneToo() {
		GroupAssignments group = new GroupAssignments("fraud-service", "Stable",
				List.of(member("a", 0, 1, 2), member("b", 2, 3), member("c", 4), member("d")));
		assertThat(group.doublyOwned()).containsExactly(2);
		assertThat(group.unowned()).containsExactly(5);
		assertThat(group.shares()).containsExactly(3, 2, 1);
	}

	@Test
	void theDiagramShowsEachOwnerAndTheIdleMember() {
		GroupAssignments group = new GroupAssignments("fraud-service", "Stable", List.of(member("m1", 0),
				member("m2", 1), member("m3", 2), member("m4", 3), member("m5", 4), member("m6", 5), member("m7")));
		String diagram = group.diagram(7);
		assertThat(diagram).contains("group fraud-service, Stable, 7 member(s)")
			.contains("p0")
			.contains("p5")
			.contains("idle");
		assertThat(diagram.lines().filter((line) -> line.contains("──▶ consumer-"))).hasSize(6);
	}

	private static GroupAssignments.Member member(String id, Integer... partitions) {
		return new GroupAssignments.Member("consumer-fraud-service-1-" + id + "-0000-0000", "consumer-fraud-service-1",
				List.of(partitions));
	}

}
