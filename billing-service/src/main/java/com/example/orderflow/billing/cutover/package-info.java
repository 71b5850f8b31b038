/**
 * Blue/green cut-over and roll-back of the live billing writer: which version writes
 * {@code invoices} is one record on the compacted {@code billing-live-writer} topic,
 * which every live instance follows; the cut-over stops the old writer's group, hands its
 * committed {@code orders} offsets to the new writer's group through the Admin API, and
 * only then names the new version live.
 */
package com.example.orderflow.billing.cutover;
