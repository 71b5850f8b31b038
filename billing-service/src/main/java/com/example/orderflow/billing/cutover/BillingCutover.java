package com.example.orderflow.billing.cutover;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import com.example.orderflow.billing.invoice.BillingVersion;
import com.example.orderflow.billing.invoice.BillingWriter;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the live billing writer from one version to the other so that every order gets
 * exactly one invoice in {@code invoices}:
 * <ol>
 * <li>name no version live: every instance of the old version stops its listeners, which
 * commits its last transaction and leaves the group;</li>
 * <li>wait until the old group has no members;</li>
 * <li>read its committed {@code orders} offsets, stable ones only (no transaction
 * open);</li>
 * <li>write them as the new group's offsets (Admin API), after checking that group has no
 * members either;</li>
 * <li>name the new version live: its instances start consuming at exactly those
 * offsets.</li>
 * </ol>
 * Orders before the handed-over offsets were invoiced by the old version, the rest will
 * be by the new one. A roll-back is the same in reverse. If the old group does not empty
 * in time, the old version is named live again and nothing else changed.
 */
class BillingCutover {

	private static final Logger logger = LoggerFactory.getLogger(BillingCutover.class);

	private static final Duration POLL = Duration.ofMillis(200);

	private final LiveWriterLog log;

	private final Map<String, Object> adminConfig;

	private final Duration groupTimeout;

	private final Clock clock;

	BillingCutover(LiveWriterLog log, Map<String, Object> adminConfig, Duration groupTimeout, Clock clock) {
		this.log = log;
		this.adminConfig = Map.copyOf(adminConfig);
		this.groupTimeout = groupTimeout;
		this.clock = clock;
	}

	LiveWriter current() {
		return this.log.current();
	}

	/** One cut-over at a time in this instance; the runbook runs it from one place. */
	synchronized CutoverReport switchTo(BillingVersion target) {
		long started = System.nanoTime();
		List<String> steps = new ArrayList<>();
		LiveWriter current = this.log.current();
		String fromLabel = current.handingOver() ? current.previous() : current.version();
		BillingVersion from = BillingVersion.of(fromLabel);
		if (target == from) {
			if (!current.handingOver()) {
				throw new CutoverRefusedException("billing " + target.label() + " is already the live writer");
			}
			// A cut-over that stopped half-way (its instance died): give the writer back.
			this.log.write(LiveWriter.live(from.label(), from.label(), Map.of(), this.clock.instant()));
			step(steps, started, "an unfinished hand-over from %s found: named %s live again", from.label(),
					from.label());
			return report(from, from, Map.of(), true, steps, started);
		}
		String fromGroup = BillingWriter.live(from).group();
		String toGroup = BillingWriter.live(target).group();
		step(steps, started, "live writer is %s (group %s); handing over to %s (group %s)", from.label(), fromGroup,
				target.label(), toGroup);
		try (Admin admin = Admin.create(this.adminConfig)) {
			this.log.write(LiveWriter.handingOver(from.label(), this.clock.instant()));
			step(steps, started, "named no version live: %s stops consuming", from.label());
			Map<Integer, Long> handedOver;
			try {
				awaitNoMembers(admin, fromGroup);
				step(steps, started, "group %s has no members: its last transaction is committed", fromGroup);
				if (!members(admin, toGroup).isEmpty()) {
					throw new CutoverRefusedException(
							"group " + toGroup + " has members although " + target.label() + " is not live");
				}
				handedOver = handOver(admin, fromGroup, toGroup);
			}
			catch (RuntimeException ex) {
				// Nothing was handed over: the old writer goes on from its own offsets.
				this.log.write(LiveWriter.live(from.label(), from.label(), Map.of(), this.clock.instant()));
				logger.warn("Cut-over to {} abandoned, {} is live again: {}", target.label(), from.label(),
						ex.getMessage());
				if (ex instanceof CutoverRefusedException) {
					throw new CutoverRefusedException(ex.getMessage() + "; " + from.label() + " is live again");
				}
				throw ex;
			}
			step(steps, started, "offsets of %s on %s written for %s: %s", fromGroup, Topics.ORDERS, toGroup,
					handedOver);
			this.log.write(LiveWriter.live(target.label(), from.label(), handedOver, this.clock.instant()));
			step(steps, started, "named %s live", target.label());
			boolean joined = awaitMembers(admin, toGroup);
			step(steps, started, joined ? "group %s consumes" : "no member of %s joined yet: invoices wait for one",
					toGroup);
			return report(target, from, handedOver, joined, steps, started);
		}
	}

	private static CutoverReport report(BillingVersion live, BillingVersion previous, Map<Integer, Long> handedOver,
			boolean joined, List<String> steps, long started) {
		long took = Duration.ofNanos(System.nanoTime() - started).toMillis();
		logger.info("Billing live writer is {} after {} ms: {}", live.label(), took, steps);
		return new CutoverReport(live.label(), previous.label(), BillingWriter.live(previous).group(),
				BillingWriter.live(live).group(), handedOver, joined, steps, took);
	}

	/**
	 * Copies the committed offsets on every {@code orders} partition; where the old group
	 * never committed, the new one starts where the old would have (the earliest offset,
	 * as {@code auto.offset.reset} says).
	 */
	private Map<Integer, Long> handOver(Admin admin, String fromGroup, String toGroup) {
		try {
			int partitions = admin.describeTopics(List.of(Topics.ORDERS))
				.allTopicNames()
				.get()
				.get(Topics.ORDERS)
				.partitions()
				.size();
			Map<TopicPartition, OffsetAndMetadata> committed = admin
				.listConsumerGroupOffsets(Map.of(fromGroup, new ListConsumerGroupOffsetsSpec()),
						new ListConsumerGroupOffsetsOptions().requireStable(true))
				.partitionsToOffsetAndMetadata(fromGroup)
				.get();
			Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
			for (int partition = 0; partition < partitions; partition++) {
				TopicPartition tp = new TopicPartition(Topics.ORDERS, partition);
				if (committed.get(tp) == null) {
					earliest.put(tp, OffsetSpec.earliest());
				}
			}
			Map<TopicPartition, OffsetAndMetadata> handover = new HashMap<>();
			committed.forEach((tp, offset) -> {
				if (offset != null && tp.topic().equals(Topics.ORDERS)) {
					handover.put(tp, new OffsetAndMetadata(offset.offset()));
				}
			});
			if (!earliest.isEmpty()) {
				admin.listOffsets(earliest)
					.all()
					.get()
					.forEach((tp, info) -> handover.put(tp, new OffsetAndMetadata(info.offset())));
			}
			admin.alterConsumerGroupOffsets(toGroup, handover).all().get();
			Map<TopicPartition, OffsetAndMetadata> written = admin.listConsumerGroupOffsets(toGroup)
				.partitionsToOffsetAndMetadata()
				.get();
			Map<Integer, Long> result = new TreeMap<>();
			handover.forEach((tp, offset) -> {
				OffsetAndMetadata check = written.get(tp);
				if (check == null || check.offset() != offset.offset()) {
					throw new IllegalStateException(
							"Offset of " + toGroup + " on " + tp + " reads back as " + check + ", not " + offset);
				}
				result.put(tp.partition(), offset.offset());
			});
			return result;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while handing offsets over", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Could not hand offsets over: " + ex.getCause().getMessage(), ex);
		}
	}

	private void awaitNoMembers(Admin admin, String group) {
		long deadline = System.nanoTime() + this.groupTimeout.toNanos();
		List<MemberDescription> members = members(admin, group);
		while (!members.isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new CutoverRefusedException("group " + group + " still has members after " + this.groupTimeout
						+ ": " + members.stream().map((m) -> m.clientId() + "@" + m.host()).toList());
			}
			pause();
			members = members(admin, group);
		}
	}

	/** Whether a member of the group holds partitions within the wait. */
	private boolean awaitMembers(Admin admin, String group) {
		long deadline = System.nanoTime() + this.groupTimeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (members(admin, group).stream().anyMatch((m) -> !m.assignment().topicPartitions().isEmpty())) {
				return true;
			}
			pause();
		}
		return false;
	}

	/** The group's members; none for a group the cluster does not know (yet). */
	private static List<MemberDescription> members(Admin admin, String group) {
		try {
			return List
				.copyOf(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupIdNotFoundException) {
				return List.of();
			}
			throw new IllegalStateException("Could not describe group " + group + ": " + ex.getCause().getMessage(),
					ex);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(POLL.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void step(List<String> steps, long started, String format, Object... args) {
		String line = "%6.2f s  %s".formatted((System.nanoTime() - started) / 1e9, format.formatted(args));
		steps.add(line);
		logger.info("Cut-over: {}", line);
	}

}
