package com.example.orderflow.billing.cutover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.example.orderflow.billing.invoice.BillingWriter;
import com.example.orderflow.billing.invoice.OrdersListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Makes a live billing instance consume exactly while the live-writer record names its
 * version. It reads {@code billing-live-writer} to its end before deciding anything, so
 * an instance that starts after a cut-over stays on standby instead of invoicing orders
 * the other version already invoiced; then it follows the topic, stopping its listener
 * containers cleanly (the last transaction commits, the consumers leave the group) when
 * another version takes over, and starting them when its version is named again.
 */
class LiveWriterSwitch implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(LiveWriterSwitch.class);

	private static final Duration POLL = Duration.ofMillis(300);

	private final LiveWriterLog log;

	private final BillingWriter writer;

	private final KafkaListenerEndpointRegistry registry;

	private final AtomicReference<LiveWriter> latest = new AtomicReference<>();

	private volatile KafkaConsumer<String, String> consumer;

	private volatile Thread thread;

	private volatile boolean running;

	LiveWriterSwitch(LiveWriterLog log, BillingWriter writer, KafkaListenerEndpointRegistry registry) {
		this.log = log;
		this.writer = writer;
		this.registry = registry;
	}

	/** The record this instance follows now, {@code null} until it has read it. */
	LiveWriter latest() {
		return this.latest.get();
	}

	/** Whether this instance's listener containers consume now. */
	boolean consuming() {
		return containers().stream().allMatch(MessageListenerContainer::isRunning);
	}

	@Override
	public void start() {
		this.consumer = this.log.newConsumer();
		this.running = true;
		this.thread = new Thread(this::follow, "billing-live-writer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void follow() {
		KafkaConsumer<String, String> reader = this.consumer;
		try (reader) {
			// stop() wakes the consumer up, also while it still reads to the end.
			apply(this.log.readToEnd(reader));
			while (this.running) {
				for (ConsumerRecord<String, String> record : reader.poll(POLL)) {
					apply(this.log.read(record.value()));
				}
			}
		}
		catch (WakeupException ex) {
			// stop() woke the consumer up
		}
		catch (RuntimeException ex) {
			logger.error("Stopped following {}; this instance keeps its listeners as they are",
					LiveWriterLog.PARTITION.topic(), ex);
		}
	}

	private void apply(LiveWriter record) {
		this.latest.set(record);
		boolean shouldConsume = this.writer.version().label().equals(record.version());
		boolean consuming = consuming();
		if (shouldConsume && !consuming) {
			logger.info("Billing {} is the live writer: group {} starts consuming (from offsets {})", record.version(),
					this.writer.group(), record.handedOver());
			containers().forEach(MessageListenerContainer::start);
		}
		else if (!shouldConsume && consuming) {
			logger.info("Billing {} is no longer the live writer ({}): group {} stops", this.writer.version().label(),
					record.handingOver() ? "offsets are being handed over" : record.version() + " is live",
					this.writer.group());
			// Blocks until the consumers have closed: the last transaction is done and
			// the members have left the group, which the cut-over waits for.
			containers().forEach(MessageListenerContainer::stop);
		}
		else {
			logger.info("Live writer is {}: group {} {}", record.handingOver() ? "being handed over" : record.version(),
					this.writer.group(), consuming ? "keeps consuming" : "stays on standby");
		}
	}

	private List<MessageListenerContainer> containers() {
		return List.of(this.registry.getListenerContainer(OrdersListener.ORDERS_CONTAINER),
				this.registry.getListenerContainer(OrdersListener.RETRIES_CONTAINER));
	}

	@Override
	public void stop() {
		this.running = false;
		KafkaConsumer<String, String> reader = this.consumer;
		if (reader != null) {
			reader.wakeup();
		}
		Thread follower = this.thread;
		if (follower != null) {
			try {
				follower.join(Duration.ofSeconds(10).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Only live instances follow the record; the shadow always consumes. */
	@Override
	public boolean isAutoStartup() {
		return this.writer.isLive();
	}

	/** After the listener containers (so it can start them), and stopped before them. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 50;
	}

}
