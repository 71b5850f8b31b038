package com.example.orderflow.testsupport;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.errors.TimeoutException;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Once armed, the next commit of any producer of the application reaches the cluster and
 * commits, and then the client reports a timeout: what a commit looks like when the
 * coordinator took it but its answer was lost (two brokers down, say). {@code @Import} it
 * into a test and {@link #arm()} it; {@link #lost()} tells that the fault happened.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LostCommitAnswers {

	private final AtomicBoolean armed = new AtomicBoolean();

	private final AtomicBoolean lost = new AtomicBoolean();

	/** Makes the next commit of any producer lose its answer. */
	public void arm() {
		this.lost.set(false);
		this.armed.set(true);
	}

	/** Whether a commit lost its answer since {@link #arm()}. */
	public boolean lost() {
		return this.lost.get();
	}

	@Bean
	DefaultKafkaProducerFactoryCustomizer lostCommitAnswersOnEveryProducer() {
		return ClientProxies.producers((producer, method, arguments, call) -> {
			Object result = call.proceed();
			if (method.getName().equals("commitTransaction") && this.armed.compareAndSet(true, false)) {
				this.lost.set(true);
				throw new TimeoutException(
						"Timeout expired while awaiting EndTxn(true) (a test's fault: the transaction did commit)");
			}
			return result;
		});
	}

}
