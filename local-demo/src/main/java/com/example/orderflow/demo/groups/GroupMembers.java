package com.example.orderflow.demo.groups;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orderflow.events.HandlingRuns;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Members of one consumer group in one JVM, each a consume-transform-produce loop of
 * plain Kafka clients: it reads {@code orders} ({@code read_committed}) and writes one
 * output per order event to the group's own topic, with its offsets, in one transaction
 * per poll (the shape of the services, without Spring). Run by {@link MemberJvm} for
 * {@link ProtocolDrill}; the group protocol is an argument, so the same members show the
 * classic and the consumer protocol.
 * <p>
 * Arguments: {@code <client.properties> <protocol> <group> <output topic> <instance>
 * <members> <now|on-signal> [<session ms> <heartbeat ms>]}; the timeouts only for the
 * classic protocol, whose members set their own (the consumer protocol's come from the
 * broker).
 */
public final class GroupMembers {

	/** Each output's value names the order event it answers, as the services' do. */
	static final String CAUSATION_ID = "causationId";

	/** The members join when told on standard input, not at once. */
	static final String ON_SIGNAL = "on-signal";

	/** Logged, with the time, when a member asks to join its group. */
	static final String JOINS = "joins";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private GroupMembers() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 7 && args.length != 9) {
			System.err.println("Usage: GroupMembers <client.properties> <classic|consumer> <group> <output topic> "
					+ "<instance> <members> <now|on-signal> [<session ms> <heartbeat ms>]");
			System.exit(2);
		}
		Map<String, Object> client = MemberJvm.clientSettings(Path.of(args[0]));
		Settings settings = new Settings(client, args[1], args[2], args[3], args[4],
				(args.length == 9) ? args[7] : null, (args.length == 9) ? args[8] : null);
		int count = Integer.parseInt(args[5]);
		CountDownLatch join = new CountDownLatch(args[6].equals(ON_SIGNAL) ? 1 : 0);
		if (join.getCount() > 0) {
			// Connected and ready, the members join when a line comes on standard input:
			// the drill starts them early so that the JVM's start is not part of the
			// join.
			Thread signal = new Thread(() -> {
				try {
					new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
				}
				catch (IOException ex) {
					// The launcher is gone: the parent watch ends this JVM.
				}
				join.countDown();
			}, "join-signal");
			signal.setDaemon(true);
			signal.start();
		}
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch stopped = new CountDownLatch(count);
		List<Member> members = new ArrayList<>();
		for (int n = 1; n <= count; n++) {
			Member member = new Member(settings, settings.instance() + "-" + n, running, stopped, join);
			members.add(member);
			new Thread(member, member.name).start();
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			// SIGTERM: every member leaves the group at once (a clean rebalance, not a
			// session timeout).
			running.set(false);
			members.forEach(Member::wakeup);
			try {
				stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "leave-group"));
		log("%s: %d member(s) of %s on the %s protocol, writing %s", settings.instance(), count, settings.group(),
				settings.protocol(), settings.output());
	}

	/**
	 * When the last of the members in this log asked to join (epoch ms), if all of them
	 * have.
	 */
	static OptionalLong lastJoin(List<String> log, int members) {
		List<Long> joins = log.stream()
			.map((line) -> line.split(" "))
			.filter((words) -> words.length >= 4 && words[2].equals(JOINS))
			.map((words) -> Instant.parse(words[0]).toEpochMilli())
			.toList();
		return (joins.size() < members) ? OptionalLong.empty()
				: OptionalLong.of(joins.stream().mapToLong(Long::longValue).max().getAsLong());
	}

	static void log(String format, Object... arguments) {
		System.out.println(Instant.now() + " " + format.formatted(arguments));
		System.out.flush();
	}

	/** What every member of this JVM shares. */
	record Settings(Map<String, Object> client, String protocol, String group, String output, String instance,
			String sessionMs, String heartbeatMs) {

		Map<String, Object> consumer(String member) {
			Map<String, Object> config = common();
			config.put(ConsumerConfig.GROUP_ID_CONFIG, this.group);
			config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, this.protocol);
			config.put(ConsumerConfig.CLIENT_ID_CONFIG, member);
			config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
			config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			// The drill sets the group's offsets before the members start; a partition
			// without one starts at its beginning, never skips.
			config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			if (this.sessionMs != null) {
				config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, this.sessionMs);
				config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, this.heartbeatMs);
			}
			return config;
		}

		Map<String, Object> producer(String member) {
			Map<String, Object> config = common();
			config.put(ProducerConfig.CLIENT_ID_CONFIG, member);
			config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, this.group + "-" + member);
			config.put(ProducerConfig.ACKS_CONFIG, "all");
			config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15000);
			config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
			return config;
		}

		private Map<String, Object> common() {
			return new HashMap<>(this.client);
		}

	}

	/**
	 * One member: poll, one output per record, offsets and outputs in one transaction.
	 */
	static final class Member implements Runnable, ConsumerRebalanceListener {

		private final Settings settings;

		private final String name;

		private final AtomicBoolean running;

		private final CountDownLatch stopped;

		private volatile KafkaConsumer<String, byte[]> consumer;

		private long outputs;

		private final CountDownLatch join;

		Member(Settings settings, String name, AtomicBoolean running, CountDownLatch stopped, CountDownLatch join) {
			this.settings = settings;
			this.name = name;
			this.running = running;
			this.stopped = stopped;
			this.join = join;
		}

		void wakeup() {
			KafkaConsumer<String, byte[]> consumer = this.consumer;
			if (consumer != null) {
				consumer.wakeup();
			}
		}

		@Override
		public void run() {
			// Each member connects on its own thread: the members of a JVM join together.
			this.consumer = new KafkaConsumer<>(this.settings.consumer(this.name), new StringDeserializer(),
					new ByteArrayDeserializer());
			try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(this.settings.producer(this.name),
					new StringSerializer(), new ByteArraySerializer())) {
				producer.initTransactions();
				this.join.await();
				this.consumer.subscribe(List.of(Topics.ORDERS), this);
				log("%s %s %s", this.name, JOINS, this.settings.group());
				while (this.running.get()) {
					ConsumerRecords<String, byte[]> records = this.consumer.poll(Duration.ofMillis(100));
					if (!records.isEmpty()) {
						transform(producer, records);
					}
				}
			}
			catch (WakeupException | InterruptException ex) {
				// Stopping.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				log("%s failed: %s", this.name, ex);
			}
			finally {
				try {
					this.consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
				}
				catch (RuntimeException ex) {
					// Closing on the way out.
				}
				log("%s left %s after %d outputs", this.name, this.settings.group(), this.outputs);
				this.stopped.countDown();
			}
		}

		private void transform(KafkaProducer<String, byte[]> producer, ConsumerRecords<String, byte[]> records) {
			Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
			producer.beginTransaction();
			try {
				for (ConsumerRecord<String, byte[]> record : records) {
					ProducerRecord<String, byte[]> output = new ProducerRecord<>(this.settings.output(), record.key(),
							output(record));
					output.headers()
						.add(HandlingRuns.INSTANCE, this.name.getBytes(StandardCharsets.UTF_8))
						.add(HandlingRuns.INPUT, HandlingRuns.input(record).getBytes(StandardCharsets.UTF_8));
					producer.send(output);
					offsets.put(new TopicPartition(record.topic(), record.partition()),
							new OffsetAndMetadata(record.offset() + 1));
				}
				producer.sendOffsetsToTransaction(offsets, this.consumer.groupMetadata());
				producer.commitTransaction();
				this.outputs += records.count();
			}
			catch (ProducerFencedException ex) {
				// Another producer took this member's transactional id: it must stop.
				throw ex;
			}
			catch (KafkaException ex) {
				// Fenced by a rebalance (the offsets' generation is gone) or a failed
				// send:
				// nothing of this poll counts; its records are read again, here or by
				// their new owner, from the committed offsets.
				log("%s: transaction of %d records aborted (%s); reading them again", this.name, records.count(),
						ex.getMessage());
				producer.abortTransaction();
				rewind(offsets.keySet());
			}
		}

		private void rewind(Set<TopicPartition> partitions) {
			Set<TopicPartition> owned = new HashSet<>(partitions);
			owned.retainAll(this.consumer.assignment());
			this.consumer.committed(owned).forEach((partition, committed) -> {
				if (committed != null) {
					this.consumer.seek(partition, committed);
				}
				else {
					this.consumer.seekToBeginning(List.of(partition));
				}
			});
		}

		private byte[] output(ConsumerRecord<String, byte[]> record) {
			ObjectNode value = JSON.createObjectNode();
			try {
				JsonNode event = JSON.readTree(record.value());
				value.put(CAUSATION_ID, event.path("eventId").asString(""));
				value.put("orderId", event.path("orderId").asString(""));
			}
			catch (RuntimeException ex) {
				value.put("unreadable", true);
			}
			value.put("member", this.name);
			value.put("protocol", this.settings.protocol());
			return JSON.writeValueAsBytes(value);
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			log("%s assigned %s, owns %s", this.name, numbers(partitions), numbers(this.consumer.assignment()));
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			log("%s revoked %s", this.name, numbers(partitions));
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			log("%s lost %s", this.name, numbers(partitions));
		}

		private static List<Integer> numbers(Collection<TopicPartition> partitions) {
			return partitions.stream().map(TopicPartition::partition).sorted().toList();
		}

	}

}
