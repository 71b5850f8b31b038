package com.example.orderflow.billing.cutover;

import java.util.List;
import java.util.Map;

/**
 * What a cut-over (or roll-back) did, step by step.
 *
 * @param live the version that writes {@code invoices} now
 * @param previous the version that wrote them before
 * @param fromGroup the group that stopped
 * @param toGroup the group that took over
 * @param handedOver the {@code orders} offsets {@code toGroup} starts from, by partition:
 * exactly where {@code fromGroup} had committed
 * @param writerStarted whether a member of {@code toGroup} joined within the wait; if
 * not, invoices wait until an instance of the new version runs
 * @param steps what happened, in order, with the elapsed time
 * @param tookMillis the whole cut-over
 */
public record CutoverReport(String live, String previous, String fromGroup, String toGroup,
		Map<Integer, Long> handedOver, boolean writerStarted, List<String> steps, long tookMillis) {

}
