package com.example.orderflow.demo.groups;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Members of the share group {@link ConsumerGroups#NOTIFICATION_DISPATCH} in one JVM (run
 * in a {@link MemberJvm}): {@code DispatchMembers <client.properties> --instance
 * dispatch-a --members 4}. Each member is a {@link KafkaShareConsumer} on {@code orders}
 * in explicit acknowledgement mode, one thread each. For every record it gets, it first
 * writes a {@link Dispatch} to {@link Topics#NOTIFICATION_DISPATCHES} and waits until the
 * cluster has it (so a drill sees who holds what, even of a member that dies next), then
 * acts:
 * <ul>
 * <li>an order whose customerId ends in {@link #DIES_MID_HANDLING}, at its first
 * delivery: held, never acknowledged. The member hangs mid-handling, and with it the
 * whole JVM stops taking records, as a process in a deadlock or a long pause would: the
 * record can only go to the other JVM's members, once its lock expires or the group
 * notices this JVM gone;</li>
 * <li>an order whose customerId ends in {@link #REJECT}: {@code REJECT}, the group
 * archives it;</li>
 * <li>everything else: {@code ACCEPT}.</li>
 * </ul>
 * Each acknowledgement is committed at once, so the broker knows a record's fate before
 * the member takes the next. SIGTERM closes the members: they leave the group, and what
 * they hold unacknowledged goes back to it.
 */
public final class DispatchMembers {

	/** The end of a customerId whose order's member hangs at its first delivery. */
	public static final String DIES_MID_HANDLING = "-dies-mid-handling";

	/** The end of a customerId whose order a member rejects. */
	public static final String REJECT = "-reject";

	private static final Duration POLL = Duration.ofMillis(500);

	private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, Object> client;

	private final String instance;

	private final int members;

	private final KafkaProducer<String, byte[]> producer;

	private final List<Member> running = new ArrayList<>();

	private final AtomicBoolean stopping = new AtomicBoolean();

	/** Released only to stop: a hung member waits on it for good. */
	private final CountDownLatch stopped = new CountDownLatch(1);

	/** Once a member hangs, every member of this JVM stops taking records. */
	private volatile boolean hung;

	private DispatchMembers(Map<String, Object> client, String instance, int members) {
		this.client = client;
		this.instance = instance;
		this.members = members;
		Map<String, Object> producerSettings = new HashMap<>(client);
		producerSettings.put(ProducerConfig.CLIENT_ID_CONFIG, instance + "-dispatches");
		producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
		producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
		this.producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new ByteArraySerializer());
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 5 || !"--instance".equals(args[1]) || !"--members".equals(args[3])) {
			System.err.println("Usage: DispatchMembers <client.properties> --instance <name> --members <n>");
			System.exit(2);
		}
		DispatchMembers members = new DispatchMembers(MemberJvm.clientSettings(Path.of(args[0])), args[2],
				Integer.parseInt(args[4]));
		Thread closing = new Thread(members::close, "close-members");
		Runtime.getRuntime().addShutdownHook(closing);
		members.run();
	}

	/** Starts every member and returns once all have closed. */
	private void run() throws InterruptedException {
		say("%d members of share group %s on %s, explicit acknowledgement".formatted(this.members,
				ConsumerGroups.NOTIFICATION_DISPATCH, Topics.ORDERS));
		for (int n = 1; n <= this.members; n++) {
			Member member = new Member(this.instance + "-" + n);
			this.running.add(member);
			member.thread.start();
		}
		for (Member member : this.running) {
			member.thread.join();
		}
	}

	/** SIGTERM: every member closes, leaving the group. */
	private void close() {
		this.stopping.set(true);
		this.stopped.countDown();
		this.running.forEach(Member::wakeup);
		for (Member member : this.running) {
			try {
				member.thread.join(Duration.ofSeconds(8).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		this.producer.close(Duration.ofSeconds(2));
		say("closed");
	}

	private static void say(String line) {
		System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
	}

	/** One member: a share consumer on its own thread. */
	private final class Member implements Runnable {

		private final String name;

		private final Thread thread;

		private volatile KafkaShareConsumer<String, byte[]> consumer;

		private final Set<Integer> partitions = new TreeSet<>();

		private final Map<Dispatch.Outcome, Integer> counts = new HashMap<>();

		private int redeliveries;

		private long reportedAt = System.nanoTime();

		private String reported = "";

		Member(String name) {
			this.name = name;
			this.thread = new Thread(this, name);
		}

		void wakeup() {
			KafkaShareConsumer<String, byte[]> current = this.consumer;
			if (current != null) {
				current.wakeup();
			}
		}

		@Override
		public void run() {
			Map<String, Object> settings = new HashMap<>(DispatchMembers.this.client);
			settings.put(ConsumerConfig.GROUP_ID_CONFIG, ConsumerGroups.NOTIFICATION_DISPATCH);
			settings.put(ConsumerConfig.CLIENT_ID_CONFIG, this.name);
			settings.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
			// One record at a time, a work item each: by default a member acquires a
			// whole
			// batch of its partition, and a partition's other member could get nothing
			// (a system test run saw one of 8 receive nothing in 90 s); a killed member
			// also held every record of its batches until they went back.
			settings.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
			settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
			try (KafkaShareConsumer<String, byte[]> share = new KafkaShareConsumer<>(settings, new StringDeserializer(),
					new ByteArrayDeserializer())) {
				this.consumer = share;
				share.subscribe(List.of(Topics.ORDERS));
				say(this.name + " joined, subscribed to " + Topics.ORDERS);
				while (!DispatchMembers.this.stopping.get()) {
					ConsumerRecords<String, byte[]> records = share.poll(POLL);
					for (ConsumerRecord<String, byte[]> record : records) {
						if (DispatchMembers.this.hung) {
							hang("another member of this JVM hangs");
							return;
						}
						if (!handle(share, record)) {
							return;
						}
					}
					report(false);
				}
			}
			catch (WakeupException | InterruptException ex) {
				// Closing.
			}
			catch (RuntimeException ex) {
				say(this.name + " failed: " + ex);
			}
			finally {
				report(true);
			}
		}

		/**
		 * @return false once this member hangs
		 */
		private boolean handle(KafkaShareConsumer<String, byte[]> share, ConsumerRecord<String, byte[]> record) {
			JsonNode order = OrderValue.of(record.value());
			String customerId = order.path("customerId").asString("");
			int deliveryCount = record.deliveryCount().orElse((short) 1);
			Dispatch.Outcome outcome;
			if (customerId.endsWith(DIES_MID_HANDLING) && deliveryCount == 1) {
				outcome = Dispatch.Outcome.HELD;
			}
			else if (customerId.endsWith(REJECT)) {
				outcome = Dispatch.Outcome.REJECTED;
			}
			else {
				outcome = Dispatch.Outcome.ACCEPTED;
			}
			Dispatch dispatch = new Dispatch(DispatchMembers.this.instance, this.name, record.partition(),
					record.offset(), deliveryCount, outcome, type(record), record.key(),
					customerId.isEmpty() ? null : customerId, order.path("eventId").asString(null), -1);
			write(dispatch);
			this.partitions.add(record.partition());
			this.counts.merge(outcome, 1, Integer::sum);
			if (deliveryCount > 1) {
				this.redeliveries++;
				say("%s got %s %s %d@%d again: delivery %d".formatted(this.name, dispatch.type(), Topics.ORDERS,
						dispatch.partition(), dispatch.offset(), deliveryCount));
			}
			if (outcome == Dispatch.Outcome.HELD) {
				DispatchMembers.this.hung = true;
				hang("holds order %s (%s %d@%d) mid-handling, never acknowledged".formatted(record.key(), Topics.ORDERS,
						record.partition(), record.offset()));
				return false;
			}
			share.acknowledge(record,
					(outcome == Dispatch.Outcome.REJECTED) ? AcknowledgeType.REJECT : AcknowledgeType.ACCEPT);
			share.commitSync();
			if (outcome == Dispatch.Outcome.REJECTED) {
				say("%s rejected order %s (%s %d@%d): never delivered again".formatted(this.name, record.key(),
						Topics.ORDERS, record.partition(), record.offset()));
			}
			return true;
		}

		/** Made durable before the member acts, or the member stops. */
		private void write(Dispatch dispatch) {
			try {
				DispatchMembers.this.producer
					.send(new ProducerRecord<>(Topics.NOTIFICATION_DISPATCHES, dispatch.orderId(), dispatch.toJson()))
					.get(30, TimeUnit.SECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				throw new IllegalStateException("Could not write the dispatch of " + dispatch.record(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptException(ex);
			}
		}

		/**
		 * Stuck mid-work: no acknowledgement, no poll; the consumer's background thread
		 * still heartbeats, so only the record's lock, or a kill, frees what it holds.
		 */
		private void hang(String why) {
			say(this.name + " hangs: " + why);
			try {
				DispatchMembers.this.stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private void report(boolean last) {
			if (!last && System.nanoTime() - this.reportedAt < REPORT_EVERY.toNanos()) {
				return;
			}
			this.reportedAt = System.nanoTime();
			String line = "%s: records of partitions %s, accepted %d, rejected %d, held %d, redeliveries %d".formatted(
					this.name, this.partitions, this.counts.getOrDefault(Dispatch.Outcome.ACCEPTED, 0),
					this.counts.getOrDefault(Dispatch.Outcome.REJECTED, 0),
					this.counts.getOrDefault(Dispatch.Outcome.HELD, 0), this.redeliveries);
			if (last || (!this.counts.isEmpty() && !line.equals(this.reported))) {
				this.reported = line;
				say(line + (last ? " (closing)" : ""));
			}
		}

	}

	private static String type(ConsumerRecord<String, byte[]> record) {
		Header header = record.headers().lastHeader(EventTypes.HEADER);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "unknown";
	}

	/** An order event's JSON, or an empty object for a record that is not one. */
	private static final class OrderValue {

		static JsonNode of(byte[] value) {
			try {
				return (value != null) ? JSON.readTree(value) : JSON.createObjectNode();
			}
			catch (RuntimeException ex) {
				return JSON.createObjectNode();
			}
		}

	}

}
