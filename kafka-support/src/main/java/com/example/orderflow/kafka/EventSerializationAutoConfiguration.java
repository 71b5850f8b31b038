package com.example.orderflow.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * One value serializer for every producer: events as JSON with their logical type id, and
 * raw {@code byte[]} unchanged. The bytes case matters for dead-lettering: a record that
 * could not be deserialized goes to its dead-letter topic exactly as it arrived, not
 * re-encoded.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
public class EventSerializationAutoConfiguration {

	@Bean
	DefaultKafkaProducerFactoryCustomizer orderflowValueSerializer() {
		// Not expressible in spring.kafka.* properties: the delegating serializer takes
		// instances.
		return (producerFactory) -> producerFactory
			.setValueSerializerSupplier(EventSerializationAutoConfiguration::eventsOrBytes);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static Serializer eventsOrBytes() {
		Map<Class<?>, Serializer<?>> delegates = new LinkedHashMap<>();
		delegates.put(byte[].class, new ByteArraySerializer());
		delegates.put(Object.class, new JacksonJsonSerializer<>());
		return new DelegatingByTypeSerializer(delegates, true);
	}

}
