package com.example.orderflow.demo.groups;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.example.orderflow.demo.groups.RebalancePauses.Output;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RebalancePausesTests {

	@Test
	void aDeadMembersPartitionsAreTakenOverWhenEachHadAnOutputByAnotherMember() {
		List<Output> outputs = List.of(new Output(4, "b-1", 850, 900), new Output(4, "b-1", 1_050, 1_100),
				new Output(4, "a-1", 1_200, 11_000), new Output(5, "a-2", 1_300, 12_500));
		assertThat(RebalancePauses.takenOverAfter(outputs, Map.of(4, "b-1", 5, "b-1"), 1_000)).hasValue(11_500);
	}

	@Test
	void aPartitionThatOnlyItsDeadOwnerWroteIsNeverTakenOver() {
		List<Output> outputs = List.of(new Output(4, "a-1", 10_000, 11_000), new Output(5, "b-1", 1_100, 1_200));
		assertThat(RebalancePauses.takenOverAfter(outputs, Map.of(4, "b-1", 5, "b-1"), 1_000)).isEmpty();
	}

	@Test
	void outputsBeforeTheKillDoNotCountAsATakeOver() {
		List<Output> outputs = List.of(new Output(4, "a-1", 400, 500));
		assertThat(RebalancePauses.takenOverAfter(outputs, Map.of(4, "b-1"), 1_000)).isEmpty();
	}

	@Test
	void aPauseShowsAsTheLongestWaitOfARecordWrittenInTheWindow() {
		List<Output> outputs = List.of(new Output(0, "a-1", 1_000, 1_050), new Output(1, "a-1", 1_100, 2_900),
				new Output(2, "a-2", 1_150, 1_200), new Output(1, "a-1", 3_500, 9_000),
				new Output(9, "x", 1_500, 8_000));
		assertThat(RebalancePauses.longestWait(outputs, Set.of(0, 1, 2), 1_000, 3_000)).hasValue(1_800);
		assertThat(RebalancePauses.longestWait(outputs, Set.of(0, 2), 1_000, 3_000)).hasValue(50);
		assertThat(RebalancePauses.longestWait(outputs, Set.of(5), 1_000, 3_000)).isEmpty();
	}

	@Test
	void onlyPartitionsWithTheSameOwnerBeforeAndAfterKeptTheirOwner() {
		assertThat(RebalancePauses.keptTheirOwner(Map.of(0, "a-1", 1, "a-1", 2, "a-2", 3, "a-2"),
				Map.of(0, "a-1", 1, "a-1", 2, "a-1", 3, "c-1")))
			.containsExactlyInAnyOrder(0, 1);
	}

}
