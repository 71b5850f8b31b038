package com.example.orderflow.demo.tour;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** 3: several groups, each receiving every event with its own offsets. */
final class GroupsStep implements TourStep {

	private static final int ORDERS = 3;

	@Override
	public String idea() {
		return "several groups, every event, own offsets";
	}

	@Override
	public String explanation() {
		return """
				Reading a record does not remove it. Each consumer group keeps its own committed offset
				per partition (a bookmark), so billing, billing-v2, shipping, fraud and notification each
				receive every order event, at their own pace; a slow or stopped group delays only itself.

				                          ┌──▶ billing-service      ──▶ invoices
				                          ├──▶ billing-v2           ──▶ invoices-v2
				  orders (6 partitions) ──┼──▶ shipping-service     ──▶ shipments
				                          ├──▶ fraud-service        ──▶ fraud-decisions
				                          └──▶ notification-service ──▶ notifications""";
	}

	@Override
	public Verdict show(TourContext context) {
		OrdersClient orders = context.orders();
		String run = UUID.randomUUID().toString().substring(0, 8);
		List<String> customers = new ArrayList<>();
		for (int n = 1; n <= ORDERS; n++) {
			customers.add("tour-groups-" + run + "-" + n);
			orders.place(customers.get(n - 1));
		}
		context.acknowledged(customers);
		context.progress().accept("placed %d orders; counting each group's outputs".formatted(ORDERS));
		try (OutputLedger ledger = new OutputLedger(context.clientProperties());
				ClusterChecks cluster = new ClusterChecks(context.clientProperties())) {
			OutputLedger.Count count = ledger.await(customers, List.of(), ConsumerGroups.ALL, Duration.ofSeconds(90),
					context.progress());
			context.print(count.report());
			Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				ends.put(new TopicPartition(Topics.ORDERS, partition), OffsetSpec.latest());
			}
			Map<TopicPartition, Long> end = new HashMap<>();
			cluster.admin()
				.listOffsets(ends)
				.all()
				.get(10, TimeUnit.SECONDS)
				.forEach((partition, info) -> end.put(partition, info.offset()));
			TextTable table = new TextTable();
			List<Object> header = new ArrayList<>(List.of("committed offset on orders"));
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				header.add("p" + partition);
			}
			header.add("lag");
			table.row(header.toArray());
			List<Object> logEnd = new ArrayList<>(List.of("(log end)"));
			for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
				logEnd.add(end.get(new TopicPartition(Topics.ORDERS, partition)));
			}
			logEnd.add("");
			table.row(logEnd.toArray());
			boolean ownOffsets = true;
			for (String group : ConsumerGroups.ALL) {
				Map<TopicPartition, OffsetAndMetadata> committed = cluster.admin()
					.listConsumerGroupOffsets(group)
					.partitionsToOffsetAndMetadata()
					.get(10, TimeUnit.SECONDS);
				List<Object> row = new ArrayList<>(List.of(group));
				long lag = 0;
				for (int partition = 0; partition < Topics.PARTITIONS; partition++) {
					TopicPartition orders0 = new TopicPartition(Topics.ORDERS, partition);
					OffsetAndMetadata offset = committed.get(orders0);
					row.add((offset != null) ? offset.offset() : "-");
					lag += end.get(orders0) - ((offset != null) ? offset.offset() : 0);
					ownOffsets &= offset != null || end.get(orders0) == 0;
				}
				row.add(lag);
				table.row(row.toArray());
			}
			context.print(table.render("    "));
			return Verdict.of(count.exactlyOnce() && ownOffsets,
					"%d orders, each answered once by each of %d groups (duplicates %d, missing %d); every group has its own committed offsets"
						.formatted(ORDERS, count.groups().size(), count.duplicates(), count.missing()));
		}
		catch (Exception ex) {
			return Verdict.of(false, ex.getMessage());
		}
	}

}
