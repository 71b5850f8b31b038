package com.example.orderflow.testsupport;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.Consumer;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Once armed, the next {@code poll()} of a consumer of the application subscribed to a
 * given topic throws the given exception instead of polling: what a real consumer throws
 * when the group or the cluster changes under a poll (Kafka 4.3.1's consumer-protocol
 * consumer throws {@code StaleMemberEpochException} when the group fenced it while it
 * fetched its committed offsets). {@code @Import} it into a test and
 * {@link #arm(String, RuntimeException)} it; {@link #thrown()} tells that it happened.
 * Every other call reaches the real consumer.
 */
@TestConfiguration(proxyBeanMethods = false)
public class FailingPolls {

	private final AtomicReference<Armed> armed = new AtomicReference<>();

	private final AtomicReference<RuntimeException> thrown = new AtomicReference<>();

	/** Makes the next poll of a consumer subscribed to {@code topic} throw. */
	public void arm(String topic, RuntimeException failure) {
		this.thrown.set(null);
		this.armed.set(new Armed(topic, failure));
	}

	/** Whether a poll threw since {@link #arm(String, RuntimeException)}. */
	public boolean thrown() {
		return this.thrown.get() != null;
	}

	@Bean
	DefaultKafkaConsumerFactoryCustomizer failingPollsOnEveryConsumer() {
		return ClientProxies.consumers((consumer, method, arguments, call) -> {
			if (method.getName().equals("poll")) {
				Armed now = this.armed.get();
				if (now != null && ((Consumer<?, ?>) consumer).subscription().contains(now.topic())
						&& this.armed.compareAndSet(now, null)) {
					this.thrown.set(now.failure());
					throw now.failure();
				}
			}
			return call.proceed();
		});
	}

	private record Armed(String topic, RuntimeException failure) {
	}

}
