package com.example.orderflow.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.ResultEvent;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
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

	/**
	 * Sends records as they are, headers included (a producer's trace context, say), and
	 * waits for {@code acks=all}. Values are events (JSON) or bytes.
	 */
	public void sendRecords(List<ProducerRecord<String, Object>> records) {
		JacksonJsonSerializer<Object> json = jsonSerializer();
		Serializer<Object> eventsOrBytes = new Serializer<>() {

			@Override
			public byte[] serialize(String topic, Object value) {
				return serialize(topic, new RecordHeaders(), value);
			}

			@Override
			public byte[] serialize(String topic, Headers headers, Object value) {
				return (value instanceof byte[] bytes) ? bytes : json.serialize(topic, headers, value);
			}

		};
		try (KafkaProducer<String, Object> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
				eventsOrBytes)) {
			for (ProducerRecord<String, Object> record : records) {
				producer.send(record).get(30, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not send " + records.size() + " records", ex);
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
	 * The exactly-once check of a consumer group, seen from downstream: waits until the
	 * group has drained (its committed offsets on {@code orders} passed every one of
	 * these input events, then its retry topics are committed to their end: see
	 * {@link GroupDrain}), then reads the output topic to its end under
	 * {@code read_committed} and checks that it holds exactly one result per input event
	 * (matched by {@code causationId}) and nothing else for these orders. Counting at the
	 * first moment nothing is missing would miss a duplicate committed a moment later.
	 * @param group the consumer group that answers the events on {@code topic}
	 */
	public List<ResultEvent> awaitExactlyOneResultPerEvent(String group, String topic, Collection<UUID> orderIds,
			UUID... eventIds) {
		awaitDrained(group, Set.of(eventIds));
		List<ResultEvent> results = resultsFor(topic, orderIds);
		assertThat(results).extracting(ResultEvent::causationId)
			.as("causation ids of the results on %s, read after %s drained", topic, group)
			.containsExactlyInAnyOrder(eventIds);
		return results;
	}

	/**
	 * Waits until the group's committed offsets on {@code orders} have passed the records
	 * of these events and its retry topics are committed to their end.
	 */
	public void awaitDrained(String group, Collection<UUID> eventIds) {
		Map<Integer, Long> inputs = new HashMap<>();
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			inputs.clear();
			Set<UUID> found = new HashSet<>();
			for (ConsumerRecord<String, Object> record : readCommitted(Topics.ORDERS)) {
				if (record.value() instanceof DomainEvent event && eventIds.contains(event.eventId())) {
					found.add(event.eventId());
					inputs.merge(record.partition(), record.offset(), Math::max);
				}
			}
			assertThat(found).as("input events on %s", Topics.ORDERS).containsExactlyInAnyOrderElementsOf(eventIds);
		});
		try (Admin admin = Admin.create(adminConfig())) {
			GroupDrain drain = new GroupDrain(admin);
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(250))
				.untilAsserted(
						() -> assertThat(drain.pending(group, inputs)).as("what %s has not drained", group).isEmpty());
		}
	}

	/** The event values of every committed record of a topic, in partition order. */
	public List<Object> committedEvents(String topic) {
		return readCommitted(topic).stream().map(ConsumerRecord::value).toList();
	}

	private Map<String, Object> adminConfig() {
		Map<String, Object> config = new HashMap<>(this.clientProperties);
		config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		return config;
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
