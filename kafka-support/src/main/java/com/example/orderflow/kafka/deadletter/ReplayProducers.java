package com.example.orderflow.kafka.deadletter;

import java.util.HashMap;
import java.util.Map;

import com.example.orderflow.kafka.consumer.ConsumerService;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.kafka.core.ProducerFactory;

/**
 * Makes the producers that write replays, one transactional id per partition of the
 * dead-letter topic: {@code <prefix><group>-replay-<partition>}, the same in every
 * instance of the group, so that the cluster lets only one of them write a partition's
 * replays at a time. The prefix is empty in plaintext mode and {@code <principal>.} in
 * secured mode, where the ACLs grant each principal the transactional ids under it.
 * <p>
 * Built by hand, not by the service's producer factory: that factory gives every producer
 * an id of this instance's own, which would fence nobody. Its settings (servers,
 * security, acks, timeouts) are taken over.
 */
class ReplayProducers {

	private final String group;

	private final Map<String, Object> config;

	private final String transactionIdPrefix;

	private final String clientIdPrefix;

	ReplayProducers(ConsumerService service, ProducerFactory<?, ?> serviceProducers, String transactionIdPrefix) {
		this.group = service.group();
		this.config = configFrom(serviceProducers);
		this.transactionIdPrefix = transactionIdPrefix;
		// The instance's own prefix tells two instances' producers apart in logs and
		// metrics, where the transactional id cannot.
		String instancePrefix = serviceProducers.getTransactionIdPrefix();
		this.clientIdPrefix = (instancePrefix != null) ? instancePrefix : transactionIdPrefix + this.group + "-";
	}

	/** The service's producer settings without its serializers and ids. */
	private static Map<String, Object> configFrom(ProducerFactory<?, ?> serviceProducers) {
		Map<String, Object> config = new HashMap<>(serviceProducers.getConfigurationProperties());
		config.keySet()
			.removeIf((name) -> name.startsWith("spring.") || name.endsWith(".serializer")
					|| name.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
					|| name.equals(ProducerConfig.CLIENT_ID_CONFIG));
		config.put(ProducerConfig.ACKS_CONFIG, "all");
		config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		return config;
	}

	String transactionalId(int partition) {
		return this.transactionIdPrefix + this.group + "-replay-" + partition;
	}

	/** A new producer for a partition's replays, its transactions not initialized yet. */
	Producer<String, byte[]> create(int partition) {
		Map<String, Object> config = new HashMap<>(this.config);
		config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(partition));
		config.put(ProducerConfig.CLIENT_ID_CONFIG, this.clientIdPrefix + "replay-" + partition);
		return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
	}

}
