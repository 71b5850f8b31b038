package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orderflow.testsupport.ClientProxies;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Once armed, the next record any producer of the application sends fails as one the
 * cluster cannot take (its delivery times out), and the abort of that transaction is then
 * held before it reaches the cluster until the test releases it: what a transaction looks
 * like while two of three brokers are down, where the abort itself waits up to
 * {@code max.block.ms}. {@code @Import} it into a test, {@link #arm()} it and
 * {@link #release()} it; {@link #aborted()} tells whether that abort has returned.
 */
@TestConfiguration(proxyBeanMethods = false)
class StalledAborts {

	/**
	 * Longer than any test holds an abort; a test that forgets to release fails, not
	 * hangs.
	 */
	private static final Duration AT_MOST = Duration.ofSeconds(60);

	private final AtomicBoolean armed = new AtomicBoolean();

	private final AtomicBoolean failed = new AtomicBoolean();

	private final AtomicBoolean aborted = new AtomicBoolean();

	private volatile CountDownLatch gate = new CountDownLatch(0);

	/** Fails the next send, and holds the abort that follows until {@link #release()}. */
	void arm() {
		this.failed.set(false);
		this.aborted.set(false);
		this.gate = new CountDownLatch(1);
		this.armed.set(true);
	}

	/** Lets the held abort reach the cluster. */
	void release() {
		this.gate.countDown();
	}

	/** Whether a send failed since {@link #arm()}. */
	boolean failed() {
		return this.failed.get();
	}

	/** Whether the abort of the failed transaction has returned since {@link #arm()}. */
	boolean aborted() {
		return this.aborted.get();
	}

	@Bean
	DefaultKafkaProducerFactoryCustomizer stalledAbortsOnEveryProducer() {
		Set<Object> failedProducers = ConcurrentHashMap.newKeySet();
		return ClientProxies.producers((producer, method, arguments, call) -> {
			if (method.getName().equals("send") && this.armed.compareAndSet(true, false)) {
				failedProducers.add(producer);
				this.failed.set(true);
				return fail((ProducerRecord<?, ?>) arguments[0],
						(arguments.length > 1) ? (Callback) arguments[1] : null);
			}
			if (method.getName().equals("abortTransaction") && failedProducers.remove(producer)) {
				try {
					if (!this.gate.await(AT_MOST.toMillis(), TimeUnit.MILLISECONDS)) {
						throw new IllegalStateException(
								"An abort was held for " + AT_MOST + ": the test never released it");
					}
					return call.proceed();
				}
				finally {
					this.aborted.set(true);
				}
			}
			return call.proceed();
		});
	}

	private static CompletableFuture<Object> fail(ProducerRecord<?, ?> record, Callback callback) {
		TimeoutException timeout = new TimeoutException(
				"Expiring 1 record(s) for " + record.topic() + ": a test's fault, the cluster never took it");
		if (callback != null) {
			callback.onCompletion(null, timeout);
		}
		return CompletableFuture.failedFuture(timeout);
	}

}
