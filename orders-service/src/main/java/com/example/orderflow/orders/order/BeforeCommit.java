package com.example.orderflow.orders.order;

import java.util.List;

import com.example.orderflow.events.OrderEvent;

/**
 * Runs inside each transaction of order events, after the cluster has acknowledged every
 * record of it and just before the commit. The service itself supplies none; a test
 * supplies one that holds the commit back, to see what the API and the cluster do while a
 * transaction is written but not committed.
 */
@FunctionalInterface
interface BeforeCommit {

	BeforeCommit NOTHING = (events) -> {
	};

	/**
	 * Called on a writer thread; throwing aborts the transaction.
	 * @param events the events of the transaction about to commit
	 */
	void run(List<OrderEvent> events);

}
