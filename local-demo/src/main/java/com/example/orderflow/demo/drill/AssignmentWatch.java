package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Reads a group's assignment from the cluster every 200 ms in the background, and keeps
 * every moment a partition of {@code orders} had two owners.
 */
public final class AssignmentWatch implements AutoCloseable {

	private static final Duration EVERY = Duration.ofMillis(200);

	private final Admin admin;

	private final String group;

	private final Thread thread;

	private final AtomicInteger snapshots = new AtomicInteger();

	private final AtomicInteger failedReads = new AtomicInteger();

	private final List<String> violations = new ArrayList<>();

	private volatile boolean running = true;

	public AssignmentWatch(Map<String, Object> client, String group) {
		Map<String, Object> configuration = new HashMap<>(client);
		configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-drill-watch");
		this.admin = Admin.create(configuration);
		this.group = group;
		this.thread = new Thread(this::watch, "assignment-watch-" + group);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void watch() {
		while (this.running) {
			try {
				GroupAssignments now = GroupAssignments.read(this.admin, this.group);
				this.snapshots.incrementAndGet();
				if (!now.doublyOwned().isEmpty()) {
					synchronized (this.violations) {
						this.violations.add("partitions " + now.doublyOwned() + " with two owners: " + now.owners());
					}
				}
			}
			catch (RuntimeException ex) {
				this.failedReads.incrementAndGet();
			}
			try {
				Thread.sleep(EVERY.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	public int snapshots() {
		return this.snapshots.get();
	}

	/** Reads the cluster did not answer: a watch that only failed saw nothing. */
	public int failedReads() {
		return this.failedReads.get();
	}

	public List<String> violations() {
		synchronized (this.violations) {
			return List.copyOf(this.violations);
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.admin.close(Duration.ofSeconds(2));
	}

}
