package com.example.orderflow.demo.status;

import java.util.Arrays;
import java.util.List;

import com.example.orderflow.demo.status.ClusterSnapshot.Broker;
import com.example.orderflow.demo.status.ClusterSnapshot.GroupState;
import com.example.orderflow.demo.status.ClusterSnapshot.Member;
import com.example.orderflow.demo.status.ClusterSnapshot.PartitionLag;
import com.example.orderflow.demo.status.ClusterSnapshot.PartitionState;
import com.example.orderflow.demo.status.ClusterSnapshot.Quorum;
import com.example.orderflow.demo.status.ClusterSnapshot.TopicState;
import com.example.orderflow.demo.status.ClusterSnapshot.Voter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterStatusRenderingTests {

	/** Node 3 was killed: it is still a voter, but no longer a registered broker. */
	private static final ClusterSnapshot ONE_NODE_DOWN = new ClusterSnapshot("127.0.0.1:9092",
			List.of(new Broker(1, "127.0.0.1", 9092), new Broker(2, "127.0.0.1", 9093)),
			new Quorum(2, 7, List.of(new Voter(1, 120), new Voter(2, 125), new Voter(3, 90))), List.of(
					new TopicState("orders", false, 2,
							List.of(new PartitionState(0, 1, List.of(1, 2, 3), List.of(1, 2, 3)),
									new PartitionState(1, 2, List.of(3, 2, 1), List.of(2, 1)),
									new PartitionState(2, 1, List.of(3, 1, 2), List.of(1)),
									new PartitionState(3, -1, List.of(3, 1, 2), List.of(3)))),
					new TopicState("orders-shipping-service-dlt", false, 2,
							List.of(new PartitionState(0, 1, List.of(1, 2, 3), List.of(1, 2)))),
					new TopicState("__consumer_offsets", true, 2,
							List.of(new PartitionState(0, 2, List.of(2, 3, 1), List.of(2, 3, 1))))),
			List.of(new GroupState("billing-service", "Stable",
					List.of(new Member("billing-a", "/127.0.0.1", List.of(0, 1)),
							new Member("billing-b", "/127.0.0.1", List.of(2, 3))),
					List.of(new PartitionLag(0, 10L, 12, "billing-a"), new PartitionLag(1, 5L, 5, "billing-a"),
							new PartitionLag(2, 7L, 7, "billing-b"), new PartitionLag(3, null, 4, "billing-b")))));

	@Test
	void showsEveryNodeWithTheActiveControllerAndTheOneThatIsDown() {
		List<String> lines = lines(ClusterStatus.render(ONE_NODE_DOWN));

		assertThat(lines).contains("Kafka cluster at 127.0.0.1:9092", "node 1 127.0.0.1:9092 up metadata lag 5",
				"node 2 127.0.0.1:9093 up, active controller (quorum leader, epoch 7) metadata lag 0",
				"node 3 - DOWN (not registered) metadata lag 35");
	}

	@Test
	void drawsARowPerPartitionAndFlagsTheOnesInTrouble() {
		List<String> lines = lines(ClusterStatus.render(ONE_NODE_DOWN));

		assertThat(lines).contains("orders p0 leader 1 replicas [1,2,3] isr [1,2,3]",
				"orders p1 leader 2 replicas [3,2,1] isr [2,1] UNDER-REPLICATED",
				"orders p2 leader 1 replicas [3,1,2] isr [1] BELOW MIN ISR 2: acks=all writes fail",
				"orders p3 leader none replicas [3,1,2] isr [3] OFFLINE: no leader, no reads or writes");
	}

	@Test
	void summarisesTopicsOtherThanTheMainOnesInOneLineEach() {
		List<String> lines = lines(ClusterStatus.render(ONE_NODE_DOWN));

		assertThat(lines).contains("orders-shipping-service-dlt: 1 partitions, RF 3, 1 UNDER-REPLICATED",
				"__consumer_offsets: 1 partitions, RF 3, all in sync");
		assertThat(lines.indexOf("orders-shipping-service-dlt: 1 partitions, RF 3, 1 UNDER-REPLICATED"))
			.isLessThan(lines.indexOf("__consumer_offsets: 1 partitions, RF 3, all in sync"));
	}

	@Test
	void showsEachGroupWithItsMembersTheirPartitionsAndTheLagPerPartition() {
		List<String> lines = lines(ClusterStatus.render(ONE_NODE_DOWN));

		assertThat(lines).containsSubsequence("Consumer groups on orders", "billing-service Stable, 2 members, lag 2",
				"member billing-a /127.0.0.1 partitions p0 p1", "member billing-b /127.0.0.1 partitions p2 p3",
				"orders p0 committed 10 end 12 lag 2 owner billing-a",
				"orders p1 committed 5 end 5 lag 0 owner billing-a",
				"orders p2 committed 7 end 7 lag 0 owner billing-b",
				"orders p3 committed - end 4 lag - owner billing-b");
	}

	@Test
	void saysSoWhenNoGroupReadsOrdersYet() {
		ClusterSnapshot noGroups = new ClusterSnapshot("127.0.0.1:9092", ONE_NODE_DOWN.brokers(),
				ONE_NODE_DOWN.quorum(), ONE_NODE_DOWN.topics(), List.of());

		assertThat(lines(ClusterStatus.render(noGroups))).contains("(none yet: no service has joined)");
	}

	@Test
	void saysSoWhenTheQuorumHasNoLeader() {
		ClusterSnapshot noLeader = new ClusterSnapshot("127.0.0.1:9092", List.of(new Broker(1, "127.0.0.1", 9092)),
				new Quorum(-1, 7, List.of(new Voter(1, 120), new Voter(2, 125), new Voter(3, 90))), List.of(),
				List.of());

		assertThat(lines(ClusterStatus.render(noLeader)))
			.contains("metadata quorum: NO LEADER (fewer than 2 of 3 controllers up?)");
	}

	@Test
	void sameSnapshotGivesTheSameText() {
		assertThat(ClusterStatus.render(ONE_NODE_DOWN)).isEqualTo(ClusterStatus.render(ONE_NODE_DOWN));
	}

	/**
	 * Each line trimmed, runs of blanks as one: the assertions do not depend on column
	 * widths.
	 */
	private static List<String> lines(String text) {
		return Arrays.stream(text.split("\n")).map((line) -> line.trim().replaceAll("\\s+", " ")).toList();
	}

}
