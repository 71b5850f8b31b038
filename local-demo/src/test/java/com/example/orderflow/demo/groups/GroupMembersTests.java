package com.example.orderflow.demo.groups;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GroupMembersTests {

	@Test
	void theRebalanceOfAJoinStartsWhenTheLastMemberAskedToJoin() {
		List<String> log = List.of("2026-12-06T01:00:00.100Z protocol-consumer-c-1 joins protocol-consumer",
				"2026-12-06T01:00:00.200Z protocol-consumer-c-1 assigned [2], owns [2]",
				"2026-12-06T01:00:01.500Z protocol-consumer-c-2 joins protocol-consumer");
		assertThat(GroupMembers.lastJoin(log, 2)).hasValue(Instant.parse("2026-12-06T01:00:01.500Z").toEpochMilli());
	}

	@Test
	void notEveryMemberAskedToJoinYet() {
		List<String> log = List.of("2026-12-06T01:00:00.100Z protocol-consumer-c-1 joins protocol-consumer");
		assertThat(GroupMembers.lastJoin(log, 2)).isEmpty();
	}

}
