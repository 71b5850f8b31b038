package com.example.orderflow.orders.order;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the orders API.
 *
 * @param retryAfter what a 503 tells the caller to wait before retrying
 * @param transactionWarmUp how long the service tries, before it reports ready, to commit
 * one empty transaction (see {@link TransactionalProducerWarmUp}); zero skips it
 * @param settleWithin how long a request may wait for the order book to hold everything
 * committed about its order (see {@link OrderLog}): after start, until {@code orders} is
 * read; after a commit with an unknown outcome, until the cluster settles it. Then it is
 * answered 503
 * @param readBeforeReady how long the service, at start, waits for {@code orders} to be
 * read into the book before it reports ready anyway (see {@link OrderLog})
 * @param writer how order events are committed (see {@link OrderEventWriter})
 * @param ownership which instance writes which orders (see {@link OrderOwnership})
 */
@ConfigurationProperties("orderflow.orders")
record OrdersProperties(@DefaultValue("5s") Duration retryAfter, @DefaultValue("60s") Duration transactionWarmUp,
		@DefaultValue("20s") Duration settleWithin, @DefaultValue("120s") Duration readBeforeReady,
		@DefaultValue Writer writer, @DefaultValue Ownership ownership) {

	OrdersProperties {
		if (retryAfter.isNegative()) {
			throw new IllegalArgumentException("orderflow.orders.retry-after must not be negative");
		}
	}

	/**
	 * Group commit of order events.
	 *
	 * @param writers transactions in flight at once, each on its own producer: a writer's
	 * next transaction waits at its partitions' leaders until the previous one's markers
	 * are written, so more writers overlap those waits (at 1,000 orders/s offered, 4
	 * against 2: a transaction 0.6 s against 1.7 s, see the README's Benchmark)
	 * @param maxBatch the most events one transaction takes
	 * @param maxQueued the most events that wait for a transaction to take them; an event
	 * that finds this many is refused at once (a 503 with {@code Retry-After}). One full
	 * transaction by default: a queued event waits for the transactions ahead of it, and
	 * under load, when they are full, the next one takes all that is queued (see
	 * {@link OrderEventWriter})
	 * @param queueTimeout how long an event may wait for a transaction to take it; then
	 * it is withdrawn and the request answered 503. At least as long as the transaction
	 * ahead of it may take to succeed (the producer's {@code max.block.ms} plus
	 * {@code delivery.timeout.ms}, 24 s): shorter, and a broker failover that the
	 * transaction ahead rides out refuses the orders queued behind it (with 10 s, 5 and
	 * 14 orders got a 503 in the broker drill, leaders moved 7 and 11 s after the kill on
	 * a loaded 2-core machine and the transaction coordinator took a few seconds more). A
	 * transaction that fails answers everything queued behind it at once, so a cluster
	 * that is down still gets a quick 503
	 * @param visibleWithin how long the answer to a committed event waits for it to
	 * become visible to {@code read_committed} readers (the commit's markers reach each
	 * partition a moment after the commit returns); then it is answered anyway: the event
	 * is committed and becomes visible once the cluster can write the markers
	 * @param outcomeWithin how long the writer waits, after a commit that failed on the
	 * client, for the log to tell whether the cluster committed it after all; past that
	 * the request is answered 503 saying the order may still be committed
	 */
	record Writer(@DefaultValue("4") int writers, @DefaultValue("500") int maxBatch, @DefaultValue("500") int maxQueued,
			@DefaultValue("25s") Duration queueTimeout, @DefaultValue("10s") Duration visibleWithin,
			@DefaultValue("30s") Duration outcomeWithin) {

		Writer {
			if (writers < 1 || maxBatch < 1 || maxQueued < 1) {
				throw new IllegalArgumentException(
						"orderflow.orders.writer.writers, .max-batch and .max-queued must be at least 1");
			}
		}

	}

	/**
	 * One writer per order across the instances.
	 *
	 * @param group the consumer group the instances share; instances in different groups
	 * do not know of each other
	 * @param address how the other instances reach this one; by default
	 * {@code http://127.0.0.1:<server port>}
	 * @param sessionTimeout how soon the group gives a silent instance's partitions to
	 * the others
	 */
	record Ownership(@DefaultValue("orders-service") String group, @Nullable String address,
			@DefaultValue("10s") Duration sessionTimeout) {

	}

}
