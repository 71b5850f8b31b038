package com.example.orderflow.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;

/**
 * Every producer or consumer an application's Kafka factory creates, wrapped in a proxy
 * whose calls pass an {@link Interceptor} first: the one shape of the tests' client
 * faults ({@link LostCommitAnswers}, {@link FailingPolls}, orders-service's
 * {@code StalledAborts}). A test configuration returns {@link #producers} or
 * {@link #consumers} as a bean; every call the interceptor does not take reaches the real
 * client through {@link Call#proceed()}.
 */
public final class ClientProxies {

	private ClientProxies() {
	}

	/** Decides about one call of a wrapped client. */
	@FunctionalInterface
	public interface Interceptor {

		/**
		 * @param client the real producer or consumer
		 * @param method the method called
		 * @param arguments its arguments ({@code null} for none)
		 * @param call the call on the real client, to proceed with
		 * @return what the call returns
		 */
		Object intercept(Object client, Method method, Object[] arguments, Call call) throws Throwable;

	}

	/** The intercepted call, made on the real client. */
	@FunctionalInterface
	public interface Call {

		Object proceed() throws Throwable;

	}

	/** Wraps every producer of the application's producer factory. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static DefaultKafkaProducerFactoryCustomizer producers(Interceptor interceptor) {
		return (factory) -> factory.addPostProcessor((producer) -> wrap(Producer.class, producer, interceptor));
	}

	/** Wraps every consumer of the application's consumer factory. */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	public static DefaultKafkaConsumerFactoryCustomizer consumers(Interceptor interceptor) {
		return (factory) -> factory.addPostProcessor((consumer) -> wrap(Consumer.class, consumer, interceptor));
	}

	private static <T> T wrap(Class<T> type, T client, Interceptor interceptor) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(proxy, method, arguments) -> interceptor.intercept(client, method, arguments, () -> {
					try {
						return method.invoke(client, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				})));
	}

}
