package com.example.orderflow.cluster.tour;

import java.time.Duration;
import java.util.List;

import com.example.orderflow.cluster.drill.OutputLedger;
import com.example.orderflow.events.ConsumerGroups;

/** 9: exactly one output per order per group, counted over every order of the tour. */
final class ExactlyOnceStep implements TourStep {

	@Override
	public String idea() {
		return "exactly-once: one output per order per group";
	}

	@Override
	public String explanation() {
		return """
				Each consumer reads an order event, writes its output and commits its offset in one Kafka
				transaction: both happen or neither does. A consumer killed halfway leaves an aborted
				transaction that read_committed readers never see, and the next owner of the partition
				starts from the last committed offset. Counted here over every order the tour placed,
				through a consumer kill, a broker kill -9 and a cut-over.""";
	}

	@Override
	public Verdict show(TourContext context) {
		List<String> orders = context.acknowledged();
		try (OutputLedger ledger = new OutputLedger(context.clientProperties())) {
			OutputLedger.Count count = ledger.await(orders, List.of(), ConsumerGroups.ALL, Duration.ofSeconds(120),
					context.progress());
			context.print(count.report());
			return Verdict.of(count.exactlyOnce() && !orders.isEmpty(),
					"%d orders acknowledged during the tour, %d groups: duplicates %d, missing %d"
						.formatted(orders.size(), count.groups().size(), count.duplicates(), count.missing()));
		}
		catch (RuntimeException ex) {
			return Verdict.of(false, ex.getMessage());
		}
	}

}
