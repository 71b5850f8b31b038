package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Who owns which partition of {@code orders} in one consumer group, as the group
 * coordinator says ({@code Admin.describeConsumerGroups}), not as the members think.
 *
 * @param group the consumer group
 * @param state the group's state ({@code Stable}, {@code PreparingRebalance}, ...)
 * @param members every member, with the partitions of {@code orders} it owns (a member of
 * the group that reads only retry topics owns none of them)
 */
public record GroupAssignments(String group, String state, List<Member> members) {

	/** One member: its id as the coordinator gave it, and its partitions of orders. */
	public record Member(String memberId, String clientId, List<Integer> partitions) {

		String shortId() {
			// consumer-fraud-service-1-6c1f...: the client id and the first digits of the
			// uuid.
			return this.memberId.length() > this.clientId.length() + 9
					? this.memberId.substring(0, this.clientId.length() + 9) : this.memberId;
		}

	}

	/** Reads the group once. */
	public static GroupAssignments read(Admin admin, String group) {
		try {
			ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
				.describedGroups()
				.get(group)
				.get(5, TimeUnit.SECONDS);
			List<Member> members = new ArrayList<>();
			for (MemberDescription member : description.members()) {
				List<Integer> partitions = member.assignment()
					.topicPartitions()
					.stream()
					.filter((partition) -> partition.topic().equals(Topics.ORDERS))
					.map(TopicPartition::partition)
					.sorted()
					.toList();
				members.add(new Member(member.consumerId(), member.clientId(), partitions));
			}
			members.sort(Comparator
				.comparing((Member member) -> member.partitions().isEmpty() ? 99 : member.partitions().get(0))
				.thenComparing(Member::memberId));
			return new GroupAssignments(group, description.groupState().toString(), List.copyOf(members));
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not describe group " + group + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Waits until the group is stable with that many members (or any, with -1), every
	 * partition owned, and the owners' shares as given (any, with null).
	 * @throws IllegalStateException with what was last seen, after the timeout
	 */
	public static GroupAssignments await(Admin admin, String group, int members, List<Integer> shares,
			Duration timeout) {
		return awaitUntil(admin, group, (seen) -> seen.has(members, shares),
				"reach %s with %d members".formatted(shares, members), timeout);
	}

	/**
	 * Reads the group until it is as {@code wanted} says, asking again while the
	 * coordinator moves or the group rebalances.
	 * @param what the state waited for, for the exception: "reach [2, 2, 2] with 3
	 * members"
	 * @throws IllegalStateException with what was last seen, after the timeout
	 */
	private static GroupAssignments awaitUntil(Admin admin, String group, Predicate<GroupAssignments> wanted,
			String what, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		GroupAssignments last = null;
		while (System.nanoTime() < deadline) {
			try {
				last = read(admin, group);
				if (wanted.test(last)) {
					return last;
				}
			}
			catch (RuntimeException ex) {
				// The coordinator may be moving: ask again.
			}
			ClusterChecks.pause(Duration.ofMillis(100));
		}
		throw new IllegalStateException("group %s did not %s within %s; last seen: %s".formatted(group, what, timeout,
				(last != null) ? last.state() + " " + last.members().size() + " members, shares " + last.shares()
						: "nothing"));
	}

	/**
	 * Whether the group is stable with that many members (or any, with -1), every
	 * partition owned, and the owners' shares as given (any, with null).
	 */
	public boolean has(int members, List<Integer> shares) {
		return isStable() && (members < 0 || this.members.size() == members) && unowned().isEmpty()
				&& (shares == null || shares().equals(shares));
	}

	/**
	 * Waits until the group is stable with {@code members} members, every partition owned
	 * and spread evenly over the members that own one, and draws it. A service instance
	 * brings several members: each consumer of its {@code orders} listener (three for
	 * billing, shipping and notification) and of its retry listeners, so the count to
	 * wait for is {@link #membersPerInstance} of the group before it was scaled, times
	 * the instances.
	 * @param instances how many instances run, for the drawing
	 * @throws IllegalStateException with what was last seen, after the timeout
	 */
	public static String awaitSettled(Admin admin, String group, int members, int instances, Duration timeout) {
		GroupAssignments settled = awaitUntil(admin, group, (seen) -> seen.isSettledWith(members),
				"settle with %d members, every partition owned, evenly".formatted(members), timeout);
		return settled.diagram(Math.max(instances, settled.shares().size()));
	}

	/**
	 * How many members each of {@code instances} identical instances brings to the group,
	 * once it is stable (at most {@code timeout}): what {@link #awaitSettled} waits for
	 * after a scale.
	 * @throws IllegalStateException if the group is not stable in time, or its members do
	 * not divide evenly among the instances
	 */
	public static int membersPerInstance(Admin admin, String group, int instances, Duration timeout) {
		GroupAssignments stable = await(admin, group, -1, null, timeout);
		if (stable.members().size() % instances != 0) {
			throw new IllegalStateException("group %s has %d members for %d instances: not an even number each"
				.formatted(group, stable.members().size(), instances));
		}
		return stable.members().size() / instances;
	}

	/**
	 * Stable with that many members, every partition owned, and no owner with more than
	 * one partition more than another.
	 */
	boolean isSettledWith(int members) {
		List<Integer> shares = shares();
		return isStable() && this.members.size() == members && unowned().isEmpty()
				&& shares.get(0) - shares.get(shares.size() - 1) <= 1;
	}

	/** Each partition of orders and the members that own it (at most one, we hope). */
	public Map<Integer, List<String>> owners() {
		Map<Integer, List<String>> owners = new TreeMap<>();
		IntStream.range(0, Topics.PARTITIONS).forEach((partition) -> owners.put(partition, new ArrayList<>()));
		this.members.forEach((member) -> member.partitions()
			.forEach(
					(partition) -> owners.computeIfAbsent(partition, (p) -> new ArrayList<>()).add(member.memberId())));
		return owners;
	}

	/** Partitions with two or more owners: never allowed in a group. */
	public List<Integer> doublyOwned() {
		return owners().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().size() > 1)
			.map(Map.Entry::getKey)
			.toList();
	}

	/** Partitions with no owner. */
	public List<Integer> unowned() {
		return owners().entrySet()
			.stream()
			.filter((entry) -> entry.getValue().isEmpty())
			.map(Map.Entry::getKey)
			.toList();
	}

	/** How many partitions each owning member has, largest first: [2, 2, 2]. */
	public List<Integer> shares() {
		return this.members.stream()
			.map((member) -> member.partitions().size())
			.filter((size) -> size > 0)
			.sorted(Comparator.reverseOrder())
			.toList();
	}

	public boolean isStable() {
		return "Stable".equalsIgnoreCase(this.state);
	}

	/**
	 * The group as the Kafka tutorials draw it: the partitions of {@code orders} on the
	 * left, each pointing to the member that owns it.
	 */
	public String diagram(int orderMembers) {
		StringBuilder text = new StringBuilder();
		List<Member> owning = this.members.stream().filter((member) -> !member.partitions().isEmpty()).toList();
		text.append("  orders (%d partitions) ──▶ group %s, %s, %d member(s) reading orders%n"
			.formatted(Topics.PARTITIONS, this.group, this.state, orderMembers));
		for (Member member : owning) {
			String partitions = member.partitions().stream().map((p) -> "p" + p).collect(Collectors.joining(" "));
			text.append("    %-12s ──▶ %s%n".formatted(partitions, member.shortId()));
		}
		for (int idle = owning.size(); idle < orderMembers; idle++) {
			text.append("    %-12s     (a member with no partition: idle, a hot standby)%n".formatted("-"));
		}
		return text.toString();
	}

}
