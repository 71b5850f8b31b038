package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Commits one empty transaction before the service reports ready. The first transactional
 * producer on a fresh cluster makes the brokers create {@code __transaction_state} (50
 * partitions, replicated), which can take longer than an order may wait
 * ({@code max.block.ms}); doing it here, before readiness, keeps the first orders from
 * getting 503s. Runners finish before Boot reports readiness. If the cluster stays
 * unreachable the service starts anyway and answers 503 itself.
 */
@Component
@Order(0)
class TransactionalProducerWarmUp implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalProducerWarmUp.class);

	private static final Duration PAUSE = Duration.ofMillis(500);

	private final KafkaOperations<String, Object> kafka;

	private final Duration giveUpAfter;

	private final int producers;

	TransactionalProducerWarmUp(KafkaOperations<String, Object> kafka, OrdersProperties properties) {
		this.kafka = kafka;
		this.giveUpAfter = properties.transactionWarmUp();
		this.producers = properties.writer().writers();
	}

	/**
	 * One transaction per writer, all open at once, so that each takes a producer of its
	 * own: the same transactional ids the writers use, also after a restart, so that a
	 * transaction the previous run left open is aborted now (a new producer with its id
	 * fences it) instead of after {@code transaction.timeout.ms}. Until then it would
	 * hold back the hand-over of its partitions ({@link OrderOwnership}), whose runner
	 * comes after this one.
	 */
	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		if (this.giveUpAfter.isZero()) {
			return;
		}
		CountDownLatch allOpen = new CountDownLatch(this.producers);
		ExecutorService warmUps = Executors.newFixedThreadPool(this.producers);
		try {
			List<Future<?>> each = new ArrayList<>();
			for (int i = 0; i < this.producers; i++) {
				each.add(warmUps.submit(() -> {
					warmUp(allOpen);
					return null;
				}));
			}
			for (Future<?> warmUp : each) {
				warmUp.get();
			}
		}
		catch (ExecutionException ex) {
			logger.warn("A warm-up transaction failed", ex.getCause());
		}
		finally {
			warmUps.shutdownNow();
		}
	}

	private void warmUp(CountDownLatch allOpen) throws InterruptedException {
		long started = System.nanoTime();
		long deadline = started + this.giveUpAfter.toNanos();
		while (true) {
			try {
				this.kafka.executeInTransaction((operations) -> {
					allOpen.countDown();
					awaitQuietly(allOpen);
					return null;
				});
				logger.info("Transactional producer ready after {} ms",
						Duration.ofNanos(System.nanoTime() - started).toMillis());
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					logger.warn("No transaction committed within {}; starting anyway, orders get 503 until the "
							+ "cluster takes them: {}", this.giveUpAfter, ex.getMessage());
					return;
				}
				logger.info("Waiting for the cluster to take a transaction: {}", ex.getMessage());
				Thread.sleep(PAUSE.toMillis());
			}
		}
	}

	private static void awaitQuietly(CountDownLatch allOpen) {
		try {
			allOpen.await(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
