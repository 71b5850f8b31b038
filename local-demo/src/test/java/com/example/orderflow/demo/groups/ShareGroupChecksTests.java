package com.example.orderflow.demo.groups;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.example.orderflow.demo.groups.Dispatch.Outcome;
import com.example.orderflow.events.EventTypes;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each check of the share-group drill passes on the deliveries it expects and fails on
 * the one it must catch.
 */
class ShareGroupChecksTests {

	private static final List<String> MEMBERS = List.of("dispatch-a-1", "dispatch-a-2", "dispatch-b-1", "dispatch-b-2");

	private long position;

	@Test
	void everyMemberReceivedPassesWhenEachMemberGotARecord() {
		List<Dispatch> dispatches = MEMBERS.stream()
			.map((member) -> delivery(member, "o-" + member, 1, Outcome.ACCEPTED))
			.toList();
		assertThat(ShareGroupChecks.everyMemberReceived(MEMBERS, dispatches).passed()).isTrue();
	}

	@Test
	void everyMemberReceivedFailsOnAMemberWithNoRecords() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.ACCEPTED),
				delivery("dispatch-a-2", "o-2", 1, Outcome.ACCEPTED),
				delivery("dispatch-b-1", "o-3", 1, Outcome.ACCEPTED),
				delivery("dispatch-b-1", "o-4", 1, Outcome.ACCEPTED));
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.everyMemberReceived(MEMBERS, dispatches);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.detail()).contains("1 of 4 members received nothing (dispatch-b-2)");
	}

	@Test
	void redeliveryToAnotherInstanceAsDeliveryTwoPasses() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD),
				delivery("dispatch-b-2", "o-1", 2, Outcome.ACCEPTED));
		assertThat(ShareGroupChecks.redeliveredElsewhere("o-1", "dispatch-a", dispatches).passed()).isTrue();
	}

	@Test
	void redeliveryWithDeliveryCountOneFails() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD),
				delivery("dispatch-b-2", "o-1", 1, Outcome.ACCEPTED));
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.redeliveredElsewhere("o-1", "dispatch-a", dispatches);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.detail()).contains("delivery count 1, not 2");
	}

	@Test
	void redeliveryToTheKilledInstanceFails() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD),
				delivery("dispatch-a-3", "o-1", 2, Outcome.ACCEPTED));
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.redeliveredElsewhere("o-1", "dispatch-a", dispatches);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.detail()).contains("of the killed instance dispatch-a");
	}

	@Test
	void aHeldRecordNeverDeliveredAgainFails() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD));
		assertThat(ShareGroupChecks.redeliveredElsewhere("o-1", "dispatch-a", dispatches).detail())
			.contains("never delivered again");
	}

	@Test
	void aRejectedRecordDeliveredOncePasses() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-b-1", "o-9", 1, Outcome.REJECTED),
				delivery("dispatch-a-1", "o-1", 1, Outcome.ACCEPTED));
		assertThat(ShareGroupChecks.rejectedOnce("o-9", dispatches).passed()).isTrue();
	}

	@Test
	void aRejectedRecordDeliveredTwiceFails() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-b-1", "o-9", 1, Outcome.REJECTED),
				delivery("dispatch-a-2", "o-9", 2, Outcome.REJECTED));
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.rejectedOnce("o-9", dispatches);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.detail()).contains("2 deliveries");
	}

	@Test
	void everyAcknowledgedOrderAcceptedPasses() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD),
				delivery("dispatch-b-1", "o-1", 2, Outcome.ACCEPTED),
				delivery("dispatch-b-2", "o-2", 1, Outcome.ACCEPTED));
		assertThat(ShareGroupChecks.noneLost(List.of("o-1", "o-2"), dispatches).passed()).isTrue();
	}

	@Test
	void anAcknowledgedOrderWithNoAcceptedDeliveryFails() {
		List<Dispatch> dispatches = List.of(delivery("dispatch-a-1", "o-1", 1, Outcome.HELD),
				delivery("dispatch-b-2", "o-2", 1, Outcome.ACCEPTED));
		ShareGroupChecks.Verdict verdict = ShareGroupChecks.noneLost(List.of("o-1", "o-2"), dispatches);
		assertThat(verdict.passed()).isFalse();
		assertThat(verdict.detail()).contains("1 of 2 acknowledged orders have no accepted delivery, first: o-1");
	}

	@Test
	void keyOrderCountsTwoMembersAndACancellationHandledFirst() {
		List<Dispatch> dispatches = new ArrayList<>();
		dispatches.add(delivery("dispatch-a-1", "o-1", 1, Outcome.ACCEPTED));
		dispatches.add(cancellation("dispatch-a-1", "o-1"));
		dispatches.add(delivery("dispatch-a-1", "o-2", 1, Outcome.HELD));
		dispatches.add(cancellation("dispatch-b-1", "o-2"));
		dispatches.add(delivery("dispatch-b-2", "o-2", 2, Outcome.ACCEPTED));
		ShareGroupChecks.KeyOrder order = ShareGroupChecks.keyOrder(List.of("o-1", "o-2"), dispatches);
		assertThat(order.orders()).isEqualTo(2);
		assertThat(order.twoMembers()).isEqualTo(1);
		assertThat(order.cancelledFirstOrders()).containsExactly("o-2");
	}

	@Test
	void theGroupIsPastARecordOnlyWhenItsStartOffsetPassedItOrNothingIsLeftUnacknowledged() {
		assertThat(ShareGroupDrill.isPast(new SharePartitionOffsetInfo(93, Optional.of(0), Optional.of(4L)), 92))
			.isTrue();
		assertThat(ShareGroupDrill.isPast(new SharePartitionOffsetInfo(92, Optional.of(0), Optional.of(0L)), 92))
			.isTrue();
		assertThat(ShareGroupDrill.isPast(new SharePartitionOffsetInfo(92, Optional.of(0), Optional.of(1L)), 92))
			.isFalse();
		assertThat(ShareGroupDrill.isPast(new SharePartitionOffsetInfo(92, Optional.of(0), Optional.empty()), 92))
			.isFalse();
		assertThat(ShareGroupDrill.isPast(null, 92)).isFalse();
	}

	@Test
	void aDispatchReadsBackAsWrittenWithItsPosition() {
		Dispatch written = delivery("dispatch-a-1", "o-1", 2, Outcome.REJECTED);
		Dispatch read = Dispatch.fromJson(written.toJson(), 42);
		assertThat(read).usingRecursiveComparison().ignoringFields("position").isEqualTo(written);
		assertThat(read.position()).isEqualTo(42);
	}

	private Dispatch delivery(String member, String orderId, int deliveryCount, Outcome outcome) {
		return new Dispatch(member.substring(0, member.lastIndexOf('-')), member, 0, orderId.hashCode() & 0xffff,
				deliveryCount, outcome, EventTypes.ORDER_CREATED, orderId, "c-" + orderId, "e", this.position++);
	}

	private Dispatch cancellation(String member, String orderId) {
		return new Dispatch(member.substring(0, member.lastIndexOf('-')), member, 0,
				100_000 + (orderId.hashCode() & 0xffff), 1, Outcome.ACCEPTED, EventTypes.ORDER_CANCELLED, orderId, null,
				"e", this.position++);
	}

}
