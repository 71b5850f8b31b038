package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.OrderEvent;

/**
 * The test's {@link BeforeCommit}: while closed, every transaction of order events waits
 * here, written and acknowledged but not committed, until the test opens it. Open (the
 * default), it changes nothing.
 */
class HeldCommits implements BeforeCommit {

	/**
	 * Longer than any test holds a commit; a test that forgets to open fails, not hangs.
	 */
	private static final Duration AT_MOST = Duration.ofSeconds(60);

	private final List<List<OrderEvent>> held = new CopyOnWriteArrayList<>();

	private volatile CountDownLatch gate = new CountDownLatch(0);

	/** Holds every transaction that reaches its commit from now on. */
	void close() {
		this.held.clear();
		this.gate = new CountDownLatch(1);
	}

	/** Lets every held transaction commit, and every later one at once. */
	void open() {
		this.gate.countDown();
	}

	/** The events of each transaction held since {@link #close()}. */
	List<List<OrderEvent>> held() {
		return List.copyOf(this.held);
	}

	int heldEvents() {
		return this.held.stream().mapToInt(List::size).sum();
	}

	@Override
	public void run(List<OrderEvent> events) {
		CountDownLatch gate = this.gate;
		if (gate.getCount() == 0) {
			return;
		}
		this.held.add(List.copyOf(events));
		try {
			if (!gate.await(AT_MOST.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("A commit was held for " + AT_MOST + ": the test never let it go");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while the commit was held", ex);
		}
	}

}
