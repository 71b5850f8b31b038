package com.example.orderflow.orders.order;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
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
class TransactionalProducerWarmUp implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(TransactionalProducerWarmUp.class);

	private static final Duration PAUSE = Duration.ofMillis(500);

	private final KafkaOperations<String, Object> kafka;

	private final Duration giveUpAfter;

	TransactionalProducerWarmUp(KafkaOperations<String, Object> kafka, OrdersProperties properties) {
		this.kafka = kafka;
		this.giveUpAfter = properties.transactionWarmUp();
	}

	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		if (this.giveUpAfter.isZero()) {
			return;
		}
		long started = System.nanoTime();
		long deadline = started + this.giveUpAfter.toNanos();
		while (true) {
			try {
				this.kafka.executeInTransaction((operations) -> null);
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

}
