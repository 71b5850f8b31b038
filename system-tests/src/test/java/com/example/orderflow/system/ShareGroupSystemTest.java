package com.example.orderflow.system;

import com.example.orderflow.demo.drill.DrillReport;
import com.example.orderflow.demo.groups.ShareGroupDrill;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The share group of the tour on the running system: 8 members in two JVMs on the 6
 * partitions of {@code orders}, each receiving records; a member's JVM killed while it
 * holds a record, the record delivered again to the other JVM; a rejected record never
 * delivered again; every acknowledged order delivered and accepted.
 */
@SharedSystem
class ShareGroupSystemTest {

	/** A few orders per second: enough for every one of 8 members within seconds. */
	private static final double ORDERS_PER_SECOND = 5;

	private RunningSystem system;

	@BeforeEach
	void useTheSharedSystem(RunningSystem shared) {
		this.system = shared;
	}

	@Test
	void moreMembersThanPartitionsAllReceiveAKilledMembersRecordIsRedeliveredARejectedOneIsNotAndNoneIsLost() {
		DrillReport report = new ShareGroupDrill(this.system.processes(), ORDERS_PER_SECOND,
				(line) -> System.out.println("[drill] " + line), System.out::print)
			.run();
		System.out.print(report.render());
		assertThat(report.steps()).extracting(DrillReport.Step::name)
			.containsExactly("group settings", "8 members on 6 partitions", "every member receives",
					"redelivered after a kill", "rejected, not delivered again", "no record lost");
		assertThat(report.steps())
			.allSatisfy((step) -> assertThat(step.passed()).as("%s: %s", step.name(), step.detail()).isTrue());
		assertThat(report.numbers()).containsEntry("members", 8).containsEntry("missing", 0);
	}

}
