package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * cluster cannot take (its delivery times out), and the abort of that transaction then
 * waits before it reaches the cluster: what a transaction looks like while two of three
 * brokers are down, where the abort itself waits up to {@code max.block.ms}.
 * {@code @Import} it into a test and {@link #arm(Duration)} it; {@link #aborting()} tells
 * whether that abort is still waiting.
 */
@TestConfiguration(proxyBeanMethods = false)
class StalledAborts {

	private final AtomicBoolean armed = new AtomicBoolean();

	private final AtomicBoolean failed = new AtomicBoolean();

	private final AtomicBoolean aborting = new AtomicBoolean();

	private volatile Duration stall = Duration.ZERO;

	/** Fails the next send, and makes the abort that follows wait this long. */
	void arm(Duration stall) {
		this.stall = stall;
		this.failed.set(false);
		this.armed.set(true);
	}

	/** Whether the abort of the failed transaction is waiting now. */
	boolean aborting() {
		return this.aborting.get();
	}

	/** Whether a send failed since {@link #arm(Duration)}. */
	boolean failed() {
		return this.failed.get();
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
				this.aborting.set(true);
				try {
					Thread.sleep(this.stall.toMillis());
				}
				finally {
					this.aborting.set(false);
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
