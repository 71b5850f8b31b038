package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Counts, as a downstream reader sees it ({@code read_committed}), what reached the
 * cluster for a set of requests: the order events on {@code orders} (found by their
 * customerId) and, for each consumer group, the output records that answer them (matched
 * by {@code causationId} = the order event's eventId). Exactly once means: every
 * acknowledged request has its order event, and every order event has exactly one output
 * in every group; a refused request has none.
 */
public final class OutputLedger implements AutoCloseable {

	/**
	 * Each group that receives every order event, and the topic it answers on: the
	 * services' and the tour's demo groups of {@code ProtocolDrill}.
	 */
	public static final Map<String, String> OUTPUT_OF_GROUP = outputs();

	private static final Duration STILL_WAITING = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, Object> client;

	private final Map<String, TopicReader> readers = new HashMap<>();

	/** Order events on orders by customerId. */
	private final Map<String, List<OrderEvent>> orderEvents = new HashMap<>();

	private final ClusterChecks cluster;

	/** Per output topic: outputs per causationId. */
	private final Map<String, Map<String, Integer>> outputs = new HashMap<>();

	/**
	 * @param client how to reach the cluster ({@link SystemProcesses#clientProperties})
	 */
	public OutputLedger(Map<String, Object> client) {
		this.client = client;
		this.cluster = new ClusterChecks(client);
	}

	private static Map<String, String> outputs() {
		Map<String, String> outputs = new LinkedHashMap<>(ConsumerGroups.OUTPUT_TOPICS);
		outputs.put(ConsumerGroups.PROTOCOL_CLASSIC, Topics.PROTOCOL_CLASSIC_OUTPUTS);
		outputs.put(ConsumerGroups.PROTOCOL_CONSUMER, Topics.PROTOCOL_CONSUMER_OUTPUTS);
		return Map.copyOf(outputs);
	}

	/**
	 * Waits until every acknowledged request's order event is on {@code orders}, every
	 * group has drained past them (see {@link ClusterChecks#undrained}) and no
	 * transaction is open on its output topic (see
	 * {@link ClusterChecks#openTransaction}), or the timeout passes; then reads every
	 * output topic to its end and counts. Counting at the first moment nothing is missing
	 * would not see a duplicate committed a moment later.
	 * @param acknowledged customerIds of requests answered 201
	 * @param refused customerIds of requests not accepted: answered otherwise, a 503 that
	 * said the order may still be accepted excepted
	 * @param groups the groups to count
	 */
	public Count await(Collection<String> acknowledged, Collection<String> refused, Collection<String> groups,
			Duration timeout, Consumer<String> progress) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		long nextNote = started + STILL_WAITING.toNanos();
		while (true) {
			readOrders();
			String waiting = waitingFor(acknowledged, groups);
			if (waiting.isEmpty() || System.nanoTime() > deadline) {
				if (!waiting.isEmpty()) {
					progress.accept("counting although not drained after %s: %s".formatted(timeout, waiting));
				}
				return count(acknowledged, refused, groups);
			}
			if (System.nanoTime() > nextNote) {
				nextNote = System.nanoTime() + STILL_WAITING.toNanos();
				progress.accept("waiting for the groups to drain before counting: %s (%.0f s)".formatted(waiting,
						(System.nanoTime() - started) / 1e9));
			}
			ClusterChecks.pause(Duration.ofMillis(500));
		}
	}

	/** What the count still waits for; empty once it may count. */
	private String waitingFor(Collection<String> acknowledged, Collection<String> groups) {
		Map<Integer, Long> inputs = new HashMap<>();
		long notYetOnOrders = 0;
		for (String customer : Set.copyOf(acknowledged)) {
			List<OrderEvent> events = this.orderEvents.getOrDefault(customer, List.of());
			if (events.isEmpty()) {
				notYetOnOrders++;
			}
			events.forEach((event) -> inputs.merge(event.partition(), event.offset(), Math::max));
		}
		if (notYetOnOrders > 0) {
			return notYetOnOrders + " acknowledged orders not on " + Topics.ORDERS + " yet";
		}
		for (String group : groups) {
			String undrained = this.cluster.undrained(group, inputs);
			if (!undrained.isEmpty()) {
				return undrained;
			}
		}
		// Committed is not yet readable: behind a killed member's open transaction the
		// outputs its successor committed stay hidden from read_committed readers.
		return this.cluster.openTransaction(groups.stream().map(OUTPUT_OF_GROUP::get).distinct().toList());
	}

	/** Reads what is new and counts once. */
	public Count count(Collection<String> acknowledged, Collection<String> refused, Collection<String> groups) {
		readOrders();
		Set<String> ackedIds = Set.copyOf(acknowledged);
		List<String> events = new ArrayList<>();
		int ackedMissing = 0;
		int ackedTwice = 0;
		for (String customer : ackedIds) {
			List<String> eventIds = this.orderEvents.getOrDefault(customer, List.of())
				.stream()
				.map(OrderEvent::eventId)
				.toList();
			if (eventIds.isEmpty()) {
				ackedMissing++;
			}
			if (eventIds.size() > 1) {
				ackedTwice++;
			}
			events.addAll(eventIds);
		}
		int refusedButWritten = (int) refused.stream().filter(this.orderEvents::containsKey).count();
		Map<String, GroupCount> byGroup = new LinkedHashMap<>();
		for (String group : groups) {
			String topic = OUTPUT_OF_GROUP.get(group);
			readOutputs(topic);
			Map<String, Integer> perEvent = this.outputs.getOrDefault(topic, Map.of());
			int outputs = 0;
			int duplicates = 0;
			int missing = 0;
			for (String event : events) {
				int n = perEvent.getOrDefault(event, 0);
				outputs += n;
				if (n == 0) {
					missing++;
				}
				if (n > 1) {
					duplicates++;
				}
			}
			byGroup.put(group, new GroupCount(group, topic, outputs, duplicates, missing));
		}
		return new Count(ackedIds.size(), events.size(), ackedMissing, ackedTwice, refused.size(), refusedButWritten,
				byGroup);
	}

	/**
	 * How many of these requests (by customerId) have an order event on {@code orders},
	 * and how many more than one, as far as {@code orders} is read now.
	 */
	public Written written(Collection<String> requests) {
		readOrders();
		Set<String> customers = Set.copyOf(requests);
		int written = 0;
		int twice = 0;
		for (String customer : customers) {
			int events = this.orderEvents.getOrDefault(customer, List.of()).size();
			written += (events > 0) ? 1 : 0;
			twice += (events > 1) ? 1 : 0;
		}
		return new Written(customers.size(), written, twice);
	}

	/**
	 * @param requests the requests asked about
	 * @param written of those, how many have an order event on {@code orders}
	 * @param twice of those, how many have more than one
	 */
	public record Written(int requests, int written, int twice) {
	}

	/** What was counted for one group. */
	public record GroupCount(String group, String topic, int outputs, int duplicates, int missing) {
	}

	/**
	 * @param acknowledged requests answered 201
	 * @param orderEvents their order events found on {@code orders}
	 * @param acknowledgedButMissing acknowledged requests with no event on {@code orders}
	 * @param acknowledgedTwice acknowledged requests with more than one event
	 * @param refused requests not accepted (see {@link OrderLoad.Result#notAccepted()})
	 * @param refusedButWritten of those, how many have an event on {@code orders} anyway
	 * @param groups per group
	 */
	public record Count(int acknowledged, int orderEvents, int acknowledgedButMissing, int acknowledgedTwice,
			int refused, int refusedButWritten, Map<String, GroupCount> groups) {

		/** Every acknowledged order once on orders and answered once by every group. */
		public boolean exactlyOnce() {
			return this.acknowledgedButMissing == 0 && this.acknowledgedTwice == 0
					&& this.groups.values()
						.stream()
						.allMatch((group) -> group.duplicates() == 0 && group.missing() == 0);
		}

		public int duplicates() {
			return this.groups.values().stream().mapToInt(GroupCount::duplicates).sum() + this.acknowledgedTwice;
		}

		public int missing() {
			return this.groups.values().stream().mapToInt(GroupCount::missing).sum() + this.acknowledgedButMissing;
		}

		String missingSummary() {
			return this.groups.values()
				.stream()
				.map((group) -> "%s %d/%d".formatted(group.group(), this.orderEvents - group.missing(),
						this.orderEvents))
				.collect(Collectors.joining(", "));
		}

		/** One line per group, as the drills print them. */
		public String report() {
			StringBuilder text = new StringBuilder();
			text.append(
					"  %d acknowledged orders: %d order events on orders (%d missing, %d twice); %d refused, %d of them written anyway%n"
						.formatted(this.acknowledged, this.orderEvents, this.acknowledgedButMissing,
								this.acknowledgedTwice, this.refused, this.refusedButWritten));
			for (GroupCount group : this.groups.values()) {
				text.append("  %-22s -> %-16s %d outputs for %d order events, duplicates %d, missing %d%n".formatted(
						group.group(), group.topic(), group.outputs(), this.orderEvents, group.duplicates(),
						group.missing()));
			}
			return text.toString();
		}

	}

	private void readOrders() {
		for (ConsumerRecord<String, byte[]> record : reader(Topics.ORDERS).readNew()) {
			JsonNode value = json(record.value());
			if (value != null && value.hasNonNull("customerId") && value.hasNonNull("eventId")) {
				this.orderEvents.computeIfAbsent(value.get("customerId").asString(), (key) -> new ArrayList<>())
					.add(new OrderEvent(value.get("eventId").asString(), record.partition(), record.offset()));
			}
		}
	}

	private void readOutputs(String topic) {
		Map<String, Integer> perEvent = this.outputs.computeIfAbsent(topic, (key) -> new HashMap<>());
		for (ConsumerRecord<String, byte[]> record : reader(topic).readNew()) {
			JsonNode value = json(record.value());
			if (value != null && value.hasNonNull("causationId")) {
				perEvent.merge(value.get("causationId").asString(), 1, Integer::sum);
			}
		}
	}

	/** A record's JSON value, or null when it has none or it is not JSON. */
	public static JsonNode json(byte[] value) {
		if (value == null) {
			return null;
		}
		try {
			return JSON.readTree(value);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private TopicReader reader(String topic) {
		return this.readers.computeIfAbsent(topic, (name) -> new TopicReader(this.client, name));
	}

	@Override
	public void close() {
		this.readers.values().forEach(TopicReader::close);
		this.cluster.close();
	}

	/** An order event as found on {@code orders}. */
	private record OrderEvent(String eventId, int partition, long offset) {
	}

	/** Reads a topic from its beginning, a bit more on each call, up to its end. */
	public static final class TopicReader implements AutoCloseable {

		private final KafkaConsumer<String, byte[]> consumer;

		private final List<TopicPartition> partitions;

		/**
		 * @param client how to reach the cluster
		 * ({@link SystemProcesses#clientProperties})
		 */
		public TopicReader(Map<String, Object> client, String topic) {
			Map<String, Object> configuration = new HashMap<>(client);
			configuration.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
			configuration.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			configuration.put(ConsumerConfig.CLIENT_ID_CONFIG, "orderflow-drill-" + topic);
			this.consumer = new KafkaConsumer<>(configuration, new StringDeserializer(), new ByteArrayDeserializer());
			this.partitions = this.consumer.partitionsFor(topic, Duration.ofSeconds(30))
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			this.consumer.assign(this.partitions);
			this.consumer.seekToBeginning(this.partitions);
		}

		/** Everything committed since the last call, up to the end offsets of now. */
		public List<ConsumerRecord<String, byte[]>> readNew() {
			Map<TopicPartition, Long> end = this.consumer.endOffsets(this.partitions, Duration.ofSeconds(30));
			List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (this.partitions.stream()
				.anyMatch((partition) -> this.consumer.position(partition) < end.get(partition))) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not read " + this.partitions + " to its end within 60 s");
				}
				this.consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}

		/** Skips everything there is now: the next read starts with what comes later. */
		public TopicReader fromNow() {
			this.consumer.seekToEnd(this.partitions);
			this.partitions.forEach(this.consumer::position);
			return this;
		}

		@Override
		public void close() {
			this.consumer.close();
		}

	}

}
