package com.example.orderflow.demo.tour;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.Topics;
import org.apache.kafka.common.Node;

/** 1: topics, partitions, leaders and replicas on three brokers. */
final class TopicsStep implements TourStep {

	@Override
	public String idea() {
		return "topics, partitions, leaders and replicas";
	}

	@Override
	public String explanation() {
		return """
				A topic is split into partitions; each partition is an ordered log kept on 3 brokers
				(replication factor 3). One replica leads: producers write to it and the followers copy
				it. The followers that are caught up form the ISR (in-sync replicas); with acks=all and
				min.insync.replicas 2 a write counts only once 2 of them have it, so losing one broker
				loses nothing. Leaders are spread over the brokers so each carries a share of the work.""";
	}

	@Override
	public Verdict show(TourContext context) {
		try (ClusterChecks cluster = new ClusterChecks(context.clientProperties())) {
			Set<Integer> brokers = cluster.admin()
				.describeCluster()
				.nodes()
				.get(10, TimeUnit.SECONDS)
				.stream()
				.map(Node::id)
				.collect(Collectors.toCollection(TreeSet::new));
			List<ClusterChecks.Partition> orders = cluster.partitions()
				.stream()
				.filter((partition) -> partition.topic().equals(Topics.ORDERS))
				.sorted(Comparator.comparingInt(ClusterChecks.Partition::partition))
				.toList();
			int controller = cluster.activeController();
			TextTable table = new TextTable();
			table.row("", "broker 1", "broker 2", "broker 3", "replicas", "isr");
			for (ClusterChecks.Partition partition : orders) {
				Object[] row = new Object[6];
				row[0] = "orders-" + partition.partition();
				for (int broker = 1; broker <= LocalCluster.NODES; broker++) {
					row[broker] = (partition.leader() == broker) ? "L leader" : partition.isr().contains(broker)
							? "f in sync" : partition.replicas().contains(broker) ? "f behind" : "";
				}
				row[4] = partition.replicas();
				row[5] = partition.isr();
				table.row(row);
			}
			context.print(table.render("    "));
			Set<Integer> leaders = orders.stream()
				.map(ClusterChecks.Partition::leader)
				.collect(Collectors.toCollection(TreeSet::new));
			context.print(
					"    brokers %s; active controller (metadata quorum leader): node %d; leaders of orders on nodes %s%n"
						.formatted(brokers, controller, leaders));
			boolean passed = brokers.size() == LocalCluster.NODES && orders.size() == Topics.PARTITIONS
					&& orders.stream()
						.allMatch((partition) -> partition.replicas().size() == LocalCluster.REPLICATION_FACTOR
								&& partition.fullyInSync())
					&& leaders.size() == LocalCluster.NODES;
			return Verdict.of(passed,
					"%d brokers, orders has %d partitions, each on %d replicas all in sync, led by nodes %s"
						.formatted(brokers.size(), orders.size(), LocalCluster.REPLICATION_FACTOR, leaders));
		}
		catch (Exception ex) {
			return Verdict.of(false, "could not describe the cluster: " + ex.getMessage());
		}
	}

}
