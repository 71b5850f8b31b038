package com.example.orderflow.orders.order;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * One writer per order, enforced by Kafka: the orders-service instances form a consumer
 * group on {@code orders} ({@code orderflow.orders.ownership.group}), and an instance
 * writes only the orders of the partitions the group assigned to it. It consumes nothing
 * with that membership; what it gives is ownership:
 * <ul>
 * <li>every transaction of the writer commits, with its records, the group's offsets of
 * the partitions it wrote ({@code sendOffsetsToTransaction} with this member's group
 * metadata): a member the group has moved on from (a zombie after a long pause, the run
 * before a restart) is fenced by the group coordinator and its transaction aborts;</li>
 * <li>a member that gets a partition first asks for the group's committed offsets with
 * {@code require_stable}, which waits until every transaction of the previous owner that
 * wrote there has ended, then waits until its book has read the partition that far: only
 * then does it decide anything about an order there;</li>
 * <li>a member that loses partitions ({@code onPartitionsRevoked}) waits for its
 * transaction in flight to end before the group moves on.</li>
 * </ul>
 * Every instance learns every owner's address ({@link OwnersAssignor}), so a request for
 * an order another instance owns is forwarded there ({@link OrderForwarding}).
 */
@Component
@Order(2)
class OrderOwnership implements ApplicationRunner, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(OrderOwnership.class);

	private static final Duration POLL = Duration.ofMillis(100);

	private final ConsumerFactory<String, Object> consumers;

	private final OrderLog log;

	private final OrdersProperties properties;

	private final Environment environment;

	/** Writers hold it shared for a transaction; a revocation takes it alone. */
	private final ReentrantReadWriteLock transactions = new ReentrantReadWriteLock();

	private final Object changes = new Object();

	private volatile Set<Integer> owned = Set.of();

	private volatile Map<Integer, String> owners = Map.of();

	private volatile @Nullable ConsumerGroupMetadata generation;

	private volatile boolean running;

	private volatile String address = "";

	private @Nullable KafkaConsumer<byte[], byte[]> consumer;

	private @Nullable Thread member;

	OrderOwnership(ConsumerFactory<String, Object> consumers, OrderLog log, OrdersProperties properties,
			Environment environment) {
		this.consumers = consumers;
		this.log = log;
		this.properties = properties;
		this.environment = environment;
	}

	/**
	 * Joins the group once the web server listens (its address is what the group tells
	 * the other instances) and waits, before the instance reports ready, until it owns
	 * its share.
	 */
	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		String advertised = this.properties.ownership().address();
		this.address = (advertised != null) ? advertised
				: "http://127.0.0.1:" + this.environment.getRequiredProperty("local.server.port");
		Map<String, Object> config = new HashMap<>(this.consumers.getConfigurationProperties());
		config.put(ConsumerConfig.GROUP_ID_CONFIG, this.properties.ownership().group());
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "orders-ownership");
		config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
		config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
		config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
				(int) this.properties.ownership().sessionTimeout().toMillis());
		config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
				(int) this.properties.ownership().sessionTimeout().toMillis() / 4);
		config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, OwnersAssignor.class.getName());
		// Classic, unlike every other group: the owners' addresses travel in the
		// assignment that this client-side assignor computes, and the consumer protocol
		// of Kafka 4.3 assigns on the broker only (group.remote.assignor), with nothing
		// of the members' own in it.
		config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
		// A stable instance id (the launcher's) makes the membership static: an instance
		// started again after a crash takes its place, and its partitions, at once, and
		// the crashed run's member is fenced.
		String instance = this.environment.getProperty("orderflow.instance-id");
		if (instance != null) {
			config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
		}
		config.put(OwnersAssignor.ADDRESS, this.address);
		config.put(OwnersAssignor.LISTENER, (Consumer<Map<Integer, String>>) this::owners);
		config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
		config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
		this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
		this.running = true;
		Thread thread = new Thread(this::memberForever, "orders-ownership");
		thread.setDaemon(true);
		thread.start();
		this.member = thread;
		awaitOwning(this.properties.readBeforeReady());
		logger.info("{} owns partitions {} of {}; owners {}", this.address, this.owned, Topics.ORDERS, this.owners);
	}

	/** This instance's address, as the other instances know it. */
	String address() {
		return this.address;
	}

	/** Whether this instance writes the partition's orders now. */
	boolean owns(int partition) {
		return this.owned.contains(partition);
	}

	/** The partitions this instance writes now. */
	Set<Integer> owned() {
		return this.owned;
	}

	/**
	 * The address of the instance that owns the partition, if another one does; empty
	 * while this one owns it or nobody is known to.
	 */
	Optional<String> ownerElsewhere(int partition) {
		String owner = this.owners.get(partition);
		return (owner == null || owner.equals(this.address)) ? Optional.empty() : Optional.of(owner);
	}

	/**
	 * Waits until the partition is owned by this instance, or known to be owned by
	 * another; a rebalance in progress usually ends within seconds.
	 * @return whether it did within the time given
	 */
	boolean awaitSettled(int partition, Duration within) throws InterruptedException {
		return Monitors.await(this.changes, () -> owns(partition) || ownerElsewhere(partition).isPresent(), within);
	}

	/**
	 * Waits until this instance owns a partition: at start, and while a rebalance hands
	 * them out.
	 * @return whether it did within the time given
	 */
	boolean awaitOwning(Duration within) throws InterruptedException {
		return Monitors.await(this.changes, () -> !this.owned.isEmpty(), within);
	}

	/** The lock a writer holds, shared, for each transaction. */
	ReentrantReadWriteLock.ReadLock transaction() {
		return this.transactions.readLock();
	}

	/**
	 * The group metadata a transaction commits its offsets with; the coordinator refuses
	 * them if the group has moved on since.
	 * @throws IllegalStateException if this instance has no partitions
	 */
	ConsumerGroupMetadata generation() {
		ConsumerGroupMetadata current = this.generation;
		if (current == null) {
			throw new IllegalStateException("This instance owns no partition of " + Topics.ORDERS);
		}
		return current;
	}

	private void owners(Map<Integer, String> owners) {
		synchronized (this.changes) {
			this.owners = Map.copyOf(owners);
			this.changes.notifyAll();
		}
	}

	private void memberForever() {
		KafkaConsumer<byte[], byte[]> consumer = this.consumer;
		consumer.subscribe(List.of(Topics.ORDERS), new Handover(consumer));
		while (this.running) {
			try {
				consumer.poll(POLL);
			}
			catch (WakeupException ex) {
				return;
			}
			catch (KafkaException ex) {
				logger.warn("The ownership group failed, trying again: {}", ex.getMessage());
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@Override
	public void destroy() {
		this.running = false;
		KafkaConsumer<byte[], byte[]> consumer = this.consumer;
		Thread thread = this.member;
		if (consumer == null || thread == null) {
			return;
		}
		ConsumerThreads.stop(consumer, thread);
	}

	/**
	 * What a member does when the group hands partitions over, on the member's thread.
	 */
	private final class Handover implements ConsumerRebalanceListener {

		private final KafkaConsumer<byte[], byte[]> consumer;

		Handover(KafkaConsumer<byte[], byte[]> consumer) {
			this.consumer = consumer;
		}

		/**
		 * Stops taking orders for these partitions, then waits for the transaction in
		 * flight: once this returns, the next owner may take over.
		 */
		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			Set<Integer> keep = new HashSet<>(OrderOwnership.this.owned);
			partitions.forEach((partition) -> keep.remove(partition.partition()));
			synchronized (OrderOwnership.this.changes) {
				OrderOwnership.this.owned = Set.copyOf(keep);
				OrderOwnership.this.changes.notifyAll();
			}
			OrderOwnership.this.transactions.writeLock().lock();
			OrderOwnership.this.transactions.writeLock().unlock();
			if (!partitions.isEmpty()) {
				logger.info("Gave up partitions {} of {}", numbers(partitions), Topics.ORDERS);
			}
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			onPartitionsRevoked(partitions);
		}

		/**
		 * Takes over: waits until every transaction of the previous owner on these
		 * partitions has ended ({@code require_stable}), then until the book has read
		 * them to their last stable offset.
		 */
		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			if (partitions.isEmpty()) {
				return;
			}
			this.consumer.pause(partitions);
			long started = System.nanoTime();
			Set<TopicPartition> assigned = Set.copyOf(partitions);
			this.consumer.committed(assigned);
			Map<Integer, Long> stable = new HashMap<>();
			this.consumer.endOffsets(assigned)
				.forEach((partition, offset) -> stable.put(partition.partition(), offset));
			try {
				if (!OrderOwnership.this.log.awaitRead(stable, OrderOwnership.this.properties.readBeforeReady())) {
					logger.warn("The book did not read {} to {} in time: owning them anyway", numbers(partitions),
							stable);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			Set<Integer> now = new HashSet<>(OrderOwnership.this.owned);
			now.addAll(stable.keySet());
			synchronized (OrderOwnership.this.changes) {
				OrderOwnership.this.generation = this.consumer.groupMetadata();
				OrderOwnership.this.owned = Set.copyOf(now);
				OrderOwnership.this.changes.notifyAll();
			}
			logger.info("Took over partitions {} of {} in {} ms (generation {})", numbers(partitions), Topics.ORDERS,
					Duration.ofNanos(System.nanoTime() - started).toMillis(),
					OrderOwnership.this.generation.generationId());
		}

		private static List<Integer> numbers(Collection<TopicPartition> partitions) {
			return partitions.stream().map(TopicPartition::partition).sorted().toList();
		}

	}

}
