package com.example.orderflow.billing.comparison;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.example.orderflow.events.InvoiceIssued;
import com.example.orderflow.events.InvoiceVoided;

/**
 * One order as both topics describe it: the value of its record on the compacted
 * comparison topic, keyed by orderId. The classification is a function of the two sides,
 * the grace period and the time, so the state records only what arrived and when; the
 * {@code result} and {@code fields} it carries are the classification when it was
 * written, for people and tools reading the topic, and are recomputed on every read.
 *
 * @param orderId the order, and the record key
 * @param v1 what the live topic ({@code invoices}) said
 * @param v2 what the shadow topic ({@code invoices-v2}) said
 * @param result the classification when written
 * @param fields the differing fields when written
 * @param updatedAt when written
 */
record OrderComparison(UUID orderId, SideRecord v1, SideRecord v2, Result result, List<FieldDifference> fields,
		Instant updatedAt) {

	OrderComparison {
		v1 = (v1 != null) ? v1 : SideRecord.NONE;
		v2 = (v2 != null) ? v2 : SideRecord.NONE;
		fields = (fields != null) ? List.copyOf(fields) : List.of();
	}

	static OrderComparison of(UUID orderId) {
		return new OrderComparison(orderId, SideRecord.NONE, SideRecord.NONE, Result.PENDING, List.of(), null);
	}

	SideRecord side(Side side) {
		return (side == Side.V1) ? this.v1 : this.v2;
	}

	OrderComparison withIssued(Side side, InvoiceIssued invoice, Instant now) {
		SideRecord other = side((side == Side.V1) ? Side.V2 : Side.V1);
		return with(side, side(side).withIssued(invoice, now, other.invoice()));
	}

	OrderComparison withVoided(Side side, InvoiceVoided voided, Instant now) {
		return with(side, side(side).withVoided(voided, now));
	}

	/**
	 * The same order with its invoices made of shared parts, as {@link #withIssued} makes
	 * them: for a state read back from the topic, where each side came as its own copy.
	 */
	OrderComparison sharingParts() {
		SideRecord v1 = this.v1.sharingWith(SideRecord.NONE);
		return new OrderComparison(this.orderId, v1, this.v2.sharingWith(v1), this.result, this.fields, this.updatedAt);
	}

	private OrderComparison with(Side side, SideRecord record) {
		return new OrderComparison(this.orderId, (side == Side.V1) ? record : this.v1,
				(side == Side.V2) ? record : this.v2, this.result, this.fields, this.updatedAt);
	}

	/** The same sides, stamped with their classification at {@code now}. */
	OrderComparison classifiedAt(Instant now, Duration grace) {
		Classification classification = classify(now, grace);
		return new OrderComparison(this.orderId, this.v1, this.v2, classification.result(), classification.fields(),
				now);
	}

	/** Whether the same facts arrived on both sides, as opposed to the record's stamp. */
	boolean sameSidesAs(OrderComparison other) {
		return this.v1.equals(other.v1) && this.v2.equals(other.v2);
	}

	/**
	 * Whether one side has something the other has not (an invoice or a void): only then
	 * can the classification still change with time alone.
	 */
	boolean isAwaiting() {
		return this.v1.issued() != this.v2.issued() || this.v1.voided() != this.v2.voided();
	}

	/**
	 * How the sides compare at {@code now}.
	 * <ul>
	 * <li>Both issued: the compared fields decide match or mismatch. A void on one side
	 * only becomes a {@code voided} difference once the grace period has passed since it
	 * arrived; until then the result stays what the invoices say, so a cancellation does
	 * not flicker a matched order to pending.</li>
	 * <li>One issued: pending, then missing on the other side after the grace
	 * period.</li>
	 * <li>Neither issued (voids only): a match if both voided, otherwise pending, then
	 * missing.</li>
	 * </ul>
	 */
	Classification classify(Instant now, Duration grace) {
		String live = this.v1.billingVersion();
		if (this.v1.issued() && this.v2.issued()) {
			List<FieldDifference> fields = new ArrayList<>(this.v1.invoice().differencesTo(this.v2.invoice()));
			Instant when = later(this.v1.issuedSeenAt(), this.v2.issuedSeenAt());
			if (this.v1.voided() != this.v2.voided()) {
				Instant deadline = (this.v1.voided() ? this.v1.voidedSeenAt() : this.v2.voidedSeenAt()).plus(grace);
				if (!now.isBefore(deadline)) {
					fields.add(new FieldDifference("voided", String.valueOf(this.v1.voided()),
							String.valueOf(this.v2.voided())));
					when = later(when, deadline);
				}
			}
			else if (this.v1.voided()) {
				when = later(when, later(this.v1.voidedSeenAt(), this.v2.voidedSeenAt()));
			}
			return new Classification(fields.isEmpty() ? Result.MATCH : Result.MISMATCH, fields, when, live);
		}
		if (this.v1.issued() || this.v2.issued()) {
			return oneSided(this.v1.issued(), this.v1.issued() ? this.v1.issuedSeenAt() : this.v2.issuedSeenAt(), now,
					grace, live);
		}
		if (this.v1.voided() && this.v2.voided()) {
			return new Classification(Result.MATCH, List.of(), later(this.v1.voidedSeenAt(), this.v2.voidedSeenAt()),
					live);
		}
		return oneSided(this.v1.voided(), this.v1.voided() ? this.v1.voidedSeenAt() : this.v2.voidedSeenAt(), now,
				grace, live);
	}

	private static Classification oneSided(boolean onlyInV1, Instant since, Instant now, Duration grace, String live) {
		Instant deadline = since.plus(grace);
		if (now.isBefore(deadline)) {
			return new Classification(Result.PENDING, List.of(), since, live);
		}
		return new Classification(onlyInV1 ? Result.MISSING_IN_V2 : Result.MISSING_IN_V1, List.of(), deadline, live);
	}

	private static Instant later(Instant a, Instant b) {
		return (a.isAfter(b)) ? a : b;
	}

}
