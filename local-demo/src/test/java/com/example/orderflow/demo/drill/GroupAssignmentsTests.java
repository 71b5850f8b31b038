package com.example.orderflow.demo.drill;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupAssignmentsTests {

	@Test
	void sixPartitionsSpreadOverTheInstancesWithTheSeventhIdle() {
		assertThat(GroupAssignments.expectedShares(1)).containsExactly(6);
		assertThat(GroupAssignments.expectedShares(2)).containsExactly(3, 3);
		assertThat(GroupAssignments.expectedShares(3)).containsExactly(2, 2, 2);
		assertThat(GroupAssignments.expectedShares(4)).containsExactly(2, 2, 1, 1);
		assertThat(GroupAssignments.expectedShares(7)).containsExactly(1, 1, 1, 1, 1, 1);
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
