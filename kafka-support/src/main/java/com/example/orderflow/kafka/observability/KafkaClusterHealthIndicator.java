package com.example.orderflow.kafka.observability;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code kafka} health contributor: {@code UP} with the cluster id, the number of
 * brokers and the controller the cluster names, {@code DOWN} when the cluster does not
 * answer within the timeout. One long-lived {@link Admin} client asks, and a result is
 * reused for a few seconds, so a health endpoint polled every second costs the cluster
 * one small request per period, not one connection per call. (With KRaft brokers, the
 * "controller" they report is a live broker that forwards controller requests, not
 * necessarily the quorum leader.)
 */
class KafkaClusterHealthIndicator implements HealthIndicator, AutoCloseable {

	private final Supplier<Admin> adminFactory;

	private final Duration timeout;

	private final Duration cacheFor;

	private Admin admin;

	private Health last;

	private long lastCheckedAt;

	KafkaClusterHealthIndicator(Supplier<Admin> adminFactory, KafkaHealthProperties properties) {
		this.adminFactory = adminFactory;
		this.timeout = properties.timeout();
		this.cacheFor = properties.cacheFor();
	}

	@Override
	public synchronized Health health() {
		if (this.last == null || System.nanoTime() - this.lastCheckedAt >= this.cacheFor.toNanos()) {
			this.last = check();
			this.lastCheckedAt = System.nanoTime();
		}
		return this.last;
	}

	private Health check() {
		try {
			DescribeClusterResult cluster = admin()
				.describeCluster(new DescribeClusterOptions().timeoutMs((int) this.timeout.toMillis()));
			// The client gives up after the timeout; the extra second only guards against
			// a client that never answers at all.
			KafkaFuture.allOf(cluster.clusterId(), cluster.nodes(), cluster.controller())
				.get(this.timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
			Collection<Node> nodes = cluster.nodes().get();
			Node controller = cluster.controller().get();
			return Health.up()
				.withDetails(Map.of("clusterId", String.valueOf(cluster.clusterId().get()), "nodes", nodes.size(),
						"controller", (controller != null) ? controller.id() : -1))
				.build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down(ex).build();
		}
		catch (ExecutionException ex) {
			return Health.down(ex.getCause()).build();
		}
		catch (TimeoutException | RuntimeException ex) {
			return Health.down(ex).build();
		}
	}

	private Admin admin() {
		if (this.admin == null) {
			this.admin = this.adminFactory.get();
		}
		return this.admin;
	}

	@Override
	public synchronized void close() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(2));
			this.admin = null;
		}
	}

}
