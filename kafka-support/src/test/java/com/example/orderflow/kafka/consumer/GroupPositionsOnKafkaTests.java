package com.example.orderflow.kafka.consumer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.testsupport.RealKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.kafka.event.ListenerContainerIdleEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * On the consumer protocol the group moves partitions on the consumer's background
 * thread, so a partition in {@code assignment()} may be gone when the idle commit asks
 * for its position, and the consumer throws {@link IllegalStateException}. Out of the
 * idle event that stopped the container (spring-kafka stops it on an exception outside a
 * listener): a fraud-service consumer did after a rebalance in the two-brokers-down
 * drill, and its group wrote nothing more. Here a real consumer on a real cluster holds
 * partition 0, seen through a view whose assignment still names partition 1 as well.
 */
@SpringBootTest(classes = GroupPositionsOnKafkaTests.NoApplication.class, webEnvironment = WebEnvironment.NONE)
@RealKafka
class GroupPositionsOnKafkaTests {

	@Autowired
	KafkaConnectionDetails kafka;

	@Test
	void aPartitionTakenAwayBeforeItsPositionIsLeftToItsNewOwnerAndTheOthersAreCommitted() throws Exception {
		String topic = "group-positions-" + UUID.randomUUID();
		String servers = String.join(",", this.kafka.getBootstrapServers());
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
			admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		TopicPartition held = new TopicPartition(topic, 0);
		TopicPartition taken = new TopicPartition(topic, 1);
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.GROUP_ID_CONFIG, topic,
						ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			consumer.assign(List.of(held));
			consumer.seek(held, 7);
			Consumer<?, ?> view = assignmentStillNaming(consumer, taken);
			assertThatIllegalStateException().as("the consumer, asked for a partition it no longer has")
				.isThrownBy(() -> view.position(taken));

			assertThatNoException().isThrownBy(() -> new GroupPositions().onApplicationEvent(
					new ListenerContainerIdleEvent(this, this, 2_000, "idle-test", List.of(held, taken), view, false)));

			Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(held, taken),
					Duration.ofSeconds(30));
			assertThat(committed.get(held)).as("the partition it holds").isEqualTo(new OffsetAndMetadata(7));
			assertThat(committed.get(taken)).as("the partition taken away").isNull();
		}
	}

	/**
	 * The consumer, except that its assignment also names a partition it does not have.
	 */
	private static Consumer<?, ?> assignmentStillNaming(Consumer<?, ?> consumer, TopicPartition gone) {
		return (Consumer<?, ?>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
				new Class<?>[] { Consumer.class }, (proxy, method, arguments) -> {
					if (method.getName().equals("assignment")) {
						Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
						assignment.add(gone);
						return assignment;
					}
					try {
						return method.invoke(consumer, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	/**
	 * No application: the idle commit and a consumer, on the cluster of
	 * {@link RealKafka}.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	static class NoApplication {

	}

}
