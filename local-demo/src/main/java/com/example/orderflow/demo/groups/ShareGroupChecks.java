package com.example.orderflow.demo.groups;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.example.orderflow.events.EventTypes;

/**
 * What the share-group drill concludes from the dispatches the members wrote, as plain
 * functions of them, so that each check is shown to fail on the delivery it must catch.
 */
final class ShareGroupChecks {

	private ShareGroupChecks() {
	}

	/** A check's outcome and what it saw. */
	record Verdict(boolean passed, String detail) {
	}

	/** Every member got at least one record: more members than partitions, none idle. */
	static Verdict everyMemberReceived(Collection<String> members, List<Dispatch> dispatches) {
		Map<String, Long> received = new TreeMap<>();
		members.forEach((member) -> received.put(member, 0L));
		dispatches.forEach((dispatch) -> received.computeIfPresent(dispatch.member(), (member, n) -> n + 1));
		List<String> idle = received.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == 0)
			.map(Map.Entry::getKey)
			.toList();
		String counts = received.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " " + entry.getValue())
			.collect(Collectors.joining(", "));
		return idle.isEmpty() && !members.isEmpty()
				? new Verdict(true, "all %d members received records: %s".formatted(members.size(), counts))
				: new Verdict(false, "%d of %d members received nothing (%s): %s".formatted(idle.size(), members.size(),
						String.join(", ", idle), counts));
	}

	/**
	 * The order's created record was held by a member of the killed instance at its first
	 * delivery, then delivered to a member of another instance as delivery 2 and accepted
	 * there.
	 */
	static Verdict redeliveredElsewhere(String orderId, String killedInstance, List<Dispatch> dispatches) {
		List<Dispatch> created = dispatches.stream()
			.filter((dispatch) -> orderId.equals(dispatch.orderId())
					&& EventTypes.ORDER_CREATED.equals(dispatch.type()))
			.sorted(Comparator.comparingLong(Dispatch::position))
			.toList();
		Optional<Dispatch> held = created.stream()
			.filter((dispatch) -> dispatch.outcome() == Dispatch.Outcome.HELD)
			.findFirst();
		if (held.isEmpty()) {
			return new Verdict(false, "no member held order " + orderId + ": " + describe(created));
		}
		if (!held.get().instance().equals(killedInstance) || held.get().deliveryCount() != 1) {
			return new Verdict(false, "order %s was held by %s at delivery %d, not by %s at its first delivery"
				.formatted(orderId, held.get().member(), held.get().deliveryCount(), killedInstance));
		}
		List<Dispatch> after = created.stream()
			.filter((dispatch) -> dispatch.position() > held.get().position())
			.toList();
		if (after.isEmpty()) {
			return new Verdict(false,
					"order %s, held by %s, was never delivered again".formatted(orderId, held.get().member()));
		}
		Dispatch again = after.get(0);
		if (again.deliveryCount() != 2) {
			return new Verdict(false, "order %s delivered again to %s with delivery count %d, not 2".formatted(orderId,
					again.member(), again.deliveryCount()));
		}
		if (again.instance().equals(killedInstance)) {
			return new Verdict(false, "order %s delivered again to %s, of the killed instance %s".formatted(orderId,
					again.member(), killedInstance));
		}
		if (again.outcome() != Dispatch.Outcome.ACCEPTED) {
			return new Verdict(false,
					"order %s delivered again to %s but %s".formatted(orderId, again.member(), again.outcome()));
		}
		return new Verdict(true, "%s held it (delivery 1), %s got it as delivery 2 and accepted it"
			.formatted(held.get().member(), again.member()));
	}

	/** The order's record was delivered once, rejected, and never again. */
	static Verdict rejectedOnce(String orderId, List<Dispatch> dispatches) {
		List<Dispatch> deliveries = dispatches.stream()
			.filter((dispatch) -> orderId.equals(dispatch.orderId()))
			.sorted(Comparator.comparingLong(Dispatch::position))
			.toList();
		if (deliveries.size() == 1 && deliveries.get(0).outcome() == Dispatch.Outcome.REJECTED
				&& deliveries.get(0).deliveryCount() == 1) {
			return new Verdict(true,
					"delivered once, to %s, rejected, never delivered again".formatted(deliveries.get(0).member()));
		}
		return new Verdict(false, "order %s: %d deliveries, not one rejected: %s".formatted(orderId, deliveries.size(),
				describe(deliveries)));
	}

	/** Every order has an accepted delivery of its created record. */
	static Verdict noneLost(Collection<String> orderIds, List<Dispatch> dispatches) {
		List<String> missing = withoutAcceptedDelivery(orderIds, dispatches);
		return missing.isEmpty() && !orderIds.isEmpty()
				? new Verdict(true,
						"each of %d acknowledged orders has an accepted delivery".formatted(orderIds.size()))
				: new Verdict(false, "%d of %d acknowledged orders have no accepted delivery, first: %s"
					.formatted(missing.size(), orderIds.size(), missing.isEmpty() ? "(no orders)" : missing.get(0)));
	}

	/** The orders without an accepted delivery of their created record. */
	static List<String> withoutAcceptedDelivery(Collection<String> orderIds, List<Dispatch> dispatches) {
		Map<String, Boolean> accepted = new LinkedHashMap<>();
		orderIds.forEach((orderId) -> accepted.put(orderId, false));
		dispatches.stream()
			.filter((dispatch) -> dispatch.outcome() == Dispatch.Outcome.ACCEPTED
					&& EventTypes.ORDER_CREATED.equals(dispatch.type()))
			.forEach((dispatch) -> accepted.computeIfPresent(dispatch.orderId(), (orderId, seen) -> true));
		return accepted.entrySet().stream().filter((entry) -> !entry.getValue()).map(Map.Entry::getKey).toList();
	}

	/**
	 * Of orders with two records (created, then cancelled), how many had them handled by
	 * two members, and how many had the cancellation handled before the creation: what a
	 * share group does not keep, where a consumer group's one owner per partition would.
	 */
	record KeyOrder(int orders, int twoMembers, int cancelledFirst, List<String> cancelledFirstOrders) {
	}

	static KeyOrder keyOrder(Collection<String> cancelledOrders, List<Dispatch> dispatches) {
		int twoMembers = 0;
		List<String> cancelledFirst = new ArrayList<>();
		int orders = 0;
		for (String orderId : cancelledOrders) {
			Optional<Dispatch> created = firstAccepted(orderId, EventTypes.ORDER_CREATED, dispatches);
			Optional<Dispatch> cancelled = firstAccepted(orderId, EventTypes.ORDER_CANCELLED, dispatches);
			if (created.isEmpty() || cancelled.isEmpty()) {
				continue;
			}
			orders++;
			if (!created.get().member().equals(cancelled.get().member())) {
				twoMembers++;
			}
			if (cancelled.get().position() < created.get().position()) {
				cancelledFirst.add(orderId);
			}
		}
		return new KeyOrder(orders, twoMembers, cancelledFirst.size(), cancelledFirst);
	}

	private static Optional<Dispatch> firstAccepted(String orderId, String type, List<Dispatch> dispatches) {
		return dispatches.stream()
			.filter((dispatch) -> orderId.equals(dispatch.orderId()) && type.equals(dispatch.type())
					&& dispatch.outcome() == Dispatch.Outcome.ACCEPTED)
			.min(Comparator.comparingLong(Dispatch::position));
	}

	private static String describe(List<Dispatch> deliveries) {
		return deliveries.isEmpty() ? "no deliveries"
				: deliveries.stream()
					.map((dispatch) -> "%s delivery %d %s".formatted(dispatch.member(), dispatch.deliveryCount(),
							dispatch.outcome()))
					.collect(Collectors.joining("; "));
	}

}
