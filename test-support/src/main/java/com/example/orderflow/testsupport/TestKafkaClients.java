package com.example.orderflow.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.ResultEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.support.serializer.JacksonJsonDeserializer;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Plain Kafka clients for the test side of a flow: produce events exactly as the orders
 * service does (JSON, logical type ids, keyed by orderId) and read a whole topic back
 * under {@code read_committed}, as a downstream consumer would see it.
 */
public final class TestKafkaClients {

	private final String bootstrapServers;

	private final Map<String, Object> clientProperties;

	public TestKafkaClients(String bootstrapServers) {
		this(bootstrapServers, Map.of());
	}

	/**
	 * Clients with more settings, such as the SASL_SSL settings of a secured cluster's
	 * admin principal.
	 */
	public TestKafkaClients(String bootstrapServers, Map<String, Object> clientProperties) {
		this.bootstrapServers = bootstrapServers;
		this.clientProperties = Map.copyOf(clientProperties);
	}

	/** Sends events to a topic keyed by orderId and waits for {@code acks=all}. */
	public void send(String topic, DomainEvent... events) {
		try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
				jsonSerializer())) {
			for (DomainEvent event : events) {
				producer.send(new ProducerRecord<>(topic, event.orderId().toString(), event)).get(30, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not send to " + topic, ex);
		}
	}

	/** Sends raw bytes that no JSON deserializer can read: a poison record. */
	public void sendBytes(String topic, String key, byte[] value) {
		try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
				new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not send to " + topic, ex);
		}
	}

	/**
	 * Every committed record of a topic, from the beginning up to the last stable offset
	 * at the time of the call. Values are the event records, or {@code null} where the
	 * bytes are not an orderflow event.
	 */
	public List<ConsumerRecord<String, Object>> readCommitted(String topic) {
		return readCommitted(topic, new LenientEventDeserializer());
	}

	/** Like {@link #readCommitted(String)}, with the values as the bytes on the wire. */
	public List<ConsumerRecord<String, byte[]>> readCommittedBytes(String topic) {
		return readCommitted(topic, new ByteArrayDeserializer());
	}

	private <V> List<ConsumerRecord<String, V>> readCommitted(String topic, Deserializer<V> values) {
		Map<String, Object> config = new HashMap<>(this.clientProperties);
		config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
		try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			List<ConsumerRecord<String, V>> records = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (partitions.stream().anyMatch((tp) -> consumer.position(tp) < end.get(tp))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + topic + " to its end within 60 s");
				}
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}
	}

	/** The committed result events on a topic that belong to the given orders. */
	public List<ResultEvent> resultsFor(String topic, Collection<UUID> orderIds) {
		return committedEvents(topic).stream()
			.filter(ResultEvent.class::isInstance)
			.map(ResultEvent.class::cast)
			.filter((event) -> orderIds.contains(event.orderId()))
			.toList();
	}

	/**
	 * Waits until the topic holds exactly one result for each of the given input events
	 * (matched by {@code causationId}) and nothing else for these orders: the
	 * exactly-once check of a consumer group, seen from downstream.
	 */
	public List<ResultEvent> awaitExactlyOneResultPerEvent(String topic, Collection<UUID> orderIds, UUID... eventIds) {
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> assertThat(resultsFor(topic, orderIds)).extracting(ResultEvent::causationId)
				.as("causation ids of the results on %s", topic)
				.containsExactlyInAnyOrder(eventIds));
		return resultsFor(topic, orderIds);
	}

	/** The event values of every committed record of a topic, in partition order. */
	public List<Object> committedEvents(String topic) {
		return readCommitted(topic).stream().map(ConsumerRecord::value).toList();
	}

	private Map<String, Object> producerConfig() {
		Map<String, Object> config = new HashMap<>(this.clientProperties);
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		return config;
	}

	private static JacksonJsonSerializer<Object> jsonSerializer() {
		JacksonJsonSerializer<Object> serializer = new JacksonJsonSerializer<>();
		serializer.configure(Map.of("spring.json.type.mapping", EventTypes.typeMapping()), false);
		return serializer;
	}

	/**
	 * Reads orderflow events by their type header; anything else becomes {@code null}.
	 */
	private static final class LenientEventDeserializer implements Deserializer<Object> {

		private final JacksonJsonDeserializer<Object> json = new JacksonJsonDeserializer<>();

		LenientEventDeserializer() {
			// Keep the __TypeId__ header: tests check what travelled on the wire.
			this.json
				.configure(Map.of("spring.json.type.mapping", EventTypes.typeMapping(), "spring.json.trusted.packages",
						EventTypes.trustedPackage(), "spring.json.remove.type.headers", false), false);
		}

		@Override
		public Object deserialize(String topic, byte[] data) {
			return null;
		}

		@Override
		public Object deserialize(String topic, Headers headers, byte[] data) {
			try {
				return this.json.deserialize(topic, headers, data);
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

	}

}
