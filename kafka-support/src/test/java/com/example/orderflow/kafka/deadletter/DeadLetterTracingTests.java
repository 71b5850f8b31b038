package com.example.orderflow.kafka.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import brave.handler.MutableSpan;
import com.example.orderflow.events.Topics;
import com.example.orderflow.kafka.consumer.ConsumerService;
import com.example.orderflow.testsupport.FinishedSpans;
import com.example.orderflow.testsupport.ListenerAssignments;
import com.example.orderflow.testsupport.RealKafka;
import com.example.orderflow.testsupport.TestKafkaClients;
import com.example.orderflow.testsupport.Traceparent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Parking is a node of the order's trace: the DLQ consumer announces each record parked
 * while it reads inside a {@code <dead-letter topic> receive} span, a child of the span
 * whose {@code traceparent} the record carries, and the announcement's log line names
 * that span. A record parked before the reader started was traced when it arrived; a
 * restart does not trace it again.
 */
@SpringBootTest(classes = { DeadLetterTracingTests.TracedService.class, FinishedSpans.class },
		properties = { "spring.application.name=" + DeadLetterTracingTests.GROUP,
				"management.tracing.sampling.probability=1.0" })
@RealKafka
@AutoConfigureTracing
@ExtendWith(OutputCaptureExtension.class)
class DeadLetterTracingTests {

	/**
	 * A group of its own: its dead-letter topic holds only these tests' records, and the
	 * group of the other dead-letter tests, with faults switched on in their instance
	 * only, never gets a member here.
	 */
	static final String GROUP = "dead-letter-tracing-tests";

	private static final String DEAD_LETTERS = Topics.deadLetter(GROUP);

	private static final String RECEIVE = DEAD_LETTERS + " receive";

	private static final Duration WITHIN = Duration.ofSeconds(60);

	@Autowired
	private KafkaListenerEndpointRegistry registry;

	@Autowired
	private ParkedRecords index;

	@Autowired
	private FinishedSpans finished;

	@Autowired
	private TestKafkaClients clients;

	@Autowired
	private KafkaConnectionDetails kafka;

	/**
	 * A record parked before the reader has read the topic to its start-up end counts as
	 * parked before it started, and gets no span.
	 */
	@BeforeEach
	void awaitReady() {
		ListenerAssignments.awaitAssigned(this.registry);
		await().atMost(WITHIN).until(this.index::isLoaded);
	}

	@Test
	void aRecordParkedWhileTheReaderRunsHasOneReceiveSpanUnderItsProducersAndItsLogLineCarriesIt(
			CapturedOutput output) {
		String key = key();
		Traceparent producer = Traceparent.random();
		Traceparent later = Traceparent.random();

		// Same key, same partition, read in order: once the later record's span has
		// ended, the reader is done with the first, late duplicates included.
		park(key, producer, later);

		await().atMost(WITHIN).until(() -> receiveSpans(this.finished, later), (spans) -> !spans.isEmpty());
		ConsumerRecord<String, byte[]> parked = parkedRecord(producer).orElseThrow();
		ConsumerRecord<String, byte[]> original = this.clients.readCommittedBytes(Topics.ORDERS)
			.stream()
			.filter((record) -> key.equals(record.key()) && carries(record, producer))
			.findFirst()
			.orElseThrow();
		List<MutableSpan> spans = receiveSpans(this.finished, producer);
		assertThat(spans).as("receive spans of the parked record").hasSize(1);
		MutableSpan receive = spans.get(0);
		assertThat(receive.traceId()).isEqualTo(producer.traceId());
		assertThat(receive.kind()).isEqualTo(brave.Span.Kind.CONSUMER);
		assertThat(receive.tags()).containsEntry("messaging.system", "kafka")
			.containsEntry("messaging.operation.type", "receive")
			.containsEntry("messaging.destination.name", DEAD_LETTERS)
			.containsEntry("messaging.destination.partition.id", String.valueOf(parked.partition()))
			.containsEntry("messaging.kafka.offset", String.valueOf(parked.offset()))
			.containsEntry("messaging.kafka.message.key", key)
			.containsEntry("messaging.consumer.group.name", GROUP + "-dlq")
			.containsEntry(ParkedRecordTracing.PARKED_FROM,
					Topics.ORDERS + "-" + original.partition() + "@" + original.offset())
			.containsEntry(ParkedRecordTracing.PARKED_EXCEPTION, lastText(parked, KafkaHeaders.DLT_EXCEPTION_FQCN));
		String announced = "Parked in " + DEAD_LETTERS + " " + parked.partition() + "@" + parked.offset() + ":";
		assertThat(output.getOut().lines().filter((line) -> line.contains(announced)))
			.as("the line announcing the parked record")
			.singleElement()
			.asString()
			.contains(producer.traceId())
			.contains(receive.id());
	}

	@Test
	void aRecordParkedBeforeTheReaderStartedGetsNoSpan() {
		String key = key();
		Traceparent before = Traceparent.random();
		Traceparent after = Traceparent.random();
		park(key, before);
		ConsumerRecord<String, byte[]> parkedBefore = await().atMost(WITHIN)
			.until(() -> parkedRecord(before), Optional::isPresent)
			.orElseThrow();

		try (ConfigurableApplicationContext restarted = startInstance()) {
			ParkedRecords restartedIndex = restarted.getBean(ParkedRecords.class);
			FinishedSpans restartedSpans = restarted.getBean(FinishedSpans.class);
			await().atMost(WITHIN).until(restartedIndex::isLoaded);
			assertThat(restartedIndex.find(new ParkedRecordId(parkedBefore.partition(), parkedBefore.offset())))
				.as("the record parked before the start, in the new reader's index")
				.isPresent();

			// Same key, same partition, read in order after the first: the new reader
			// traces what it sees arrive, and is past the first record by then.
			park(key, after);

			await().atMost(WITHIN).until(() -> receiveSpans(restartedSpans, after), (spans) -> spans.size() == 1);
			assertThat(receiveSpans(restartedSpans, before)).as("receive spans of the record parked before the start")
				.isEmpty();
		}
	}

	/**
	 * Another instance of the service started now, keeping its finished spans: its
	 * listeners stay off, so the running group is not rebalanced.
	 */
	private ConfigurableApplicationContext startInstance() {
		return new SpringApplicationBuilder(TracedService.class, FinishedSpans.class)
			// Arguments, not default properties: those rank below the orderflow defaults.
			.run("--spring.application.name=" + GROUP, "--spring.main.web-application-type=none",
					"--spring.kafka.listener.auto-startup=false",
					"--spring.kafka.bootstrap-servers=" + String.join(",", this.kafka.getBootstrapServers()),
					// Spans stay in memory. Not export.enabled=false: that also turns off
					// propagation, and the reader would read no traceparent.
					"--management.tracing.sampling.probability=1.0",
					"--management.tracing.export.zipkin.enabled=false");
	}

	/**
	 * Sends records the group cannot read to {@code orders}, in this order, each with its
	 * producer's context: the group parks them.
	 */
	private void park(String key, Traceparent... producers) {
		this.clients.sendRecords(Arrays.stream(producers).map((producer) -> {
			ProducerRecord<String, Object> record = new ProducerRecord<>(Topics.ORDERS, key,
					"not an event".getBytes(StandardCharsets.UTF_8));
			producer.addTo(record.headers());
			return record;
		}).toList());
	}

	/** The record in the dead-letter topic that carries this producer's context. */
	private Optional<ConsumerRecord<String, byte[]>> parkedRecord(Traceparent producer) {
		return this.clients.readCommittedBytes(DEAD_LETTERS)
			.stream()
			.filter((record) -> carries(record, producer))
			.findFirst();
	}

	private static boolean carries(ConsumerRecord<?, ?> record, Traceparent producer) {
		return Traceparent.of(record.headers()).filter(producer::equals).isPresent();
	}

	/** The finished receive spans that are children of this producer's span. */
	private static List<MutableSpan> receiveSpans(FinishedSpans spans, Traceparent producer) {
		return spans.childrenOf(producer.spanId()).stream().filter((span) -> RECEIVE.equals(span.name())).toList();
	}

	private static String lastText(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		assertThat(header).as("header %s", name).isNotNull();
		return new String(header.value(), StandardCharsets.UTF_8);
	}

	private static String key() {
		return "poison-" + UUID.randomUUID();
	}

	/**
	 * A consumer service with a group of its own whose listener ignores every event: only
	 * records that are no event at all are parked.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(TracedService.OrdersListener.class)
	static class TracedService {

		@Bean
		ConsumerService deadLetterTracingTestsConsumerService() {
			return new ConsumerService(GROUP, GROUP + "-results");
		}

		@KafkaListener(id = GROUP + "-orders", topics = Topics.ORDERS, groupId = GROUP)
		@KafkaListener(id = GROUP + "-retries", topics = "#{@retryTopics.names()}", groupId = GROUP)
		static class OrdersListener {

			@KafkaHandler(isDefault = true)
			void on(Object event) {
			}

		}

	}

}
