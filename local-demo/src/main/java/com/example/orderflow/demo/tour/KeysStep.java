package com.example.orderflow.demo.tour;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.example.orderflow.demo.drill.ClusterChecks;
import com.example.orderflow.demo.drill.OrderLoad;
import com.example.orderflow.demo.drill.OrdersClient;
import com.example.orderflow.demo.drill.OutputLedger;
import com.example.orderflow.demo.status.TextTable;
import com.example.orderflow.events.EventTypes;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/** 2: the same orderId always lands on the same partition. */
final class KeysStep implements TourStep {

	static final int ORDERS = 4;

	@Override
	public String idea() {
		return "keys: same orderId, same partition";
	}

	@Override
	public String explanation() {
		return """
				Every record on orders is keyed by its orderId. The producer picks the partition from the
				key: murmur2(key) mod 6. So every event of one order (created, then cancelled) lands on the
				same partition, in the order it was written, and one consumer reads them in that order:
				a cancel can never overtake its order. Order across different keys is not promised.""";
	}

	@Override
	public Verdict show(TourContext context) {
		OrdersClient orders = context.orders();
		String run = UUID.randomUUID().toString().substring(0, 8);
		try (OutputLedger.TopicReader reader = new OutputLedger.TopicReader(context.clientProperties(), Topics.ORDERS)
			.fromNow()) {
			List<String> placed = new ArrayList<>();
			List<String> customers = new ArrayList<>();
			for (int n = 1; n <= ORDERS; n++) {
				String customer = "tour-keys-" + run + "-" + n;
				String orderId = orders.place(customer);
				orders.cancel(orderId);
				placed.add(orderId);
				customers.add(customer);
			}
			context.acknowledged(customers);
			context.progress().accept("placed and cancelled %d orders; reading orders back".formatted(ORDERS));
			Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new LinkedHashMap<>();
			placed.forEach((orderId) -> byKey.put(orderId, new ArrayList<>()));
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (byKey.values().stream().anyMatch((records) -> records.size() < 2) && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : reader.readNew()) {
					if (byKey.containsKey(record.key())) {
						byKey.get(record.key()).add(record);
					}
				}
				ClusterChecks.pause(Duration.ofMillis(200));
			}
			TextTable table = new TextTable();
			table.row("key (orderId)", "murmur2(key) % 6", "its records on orders");
			boolean passed = true;
			for (Map.Entry<String, List<ConsumerRecord<String, byte[]>>> entry : byKey.entrySet()) {
				int expected = Utils.toPositive(Utils.murmur2(entry.getKey().getBytes(StandardCharsets.UTF_8)))
						% Topics.PARTITIONS;
				List<ConsumerRecord<String, byte[]>> records = entry.getValue();
				table.row(entry.getKey(), "p" + expected,
						records.stream()
							.map((record) -> "p%d@%d %s".formatted(record.partition(), record.offset(), type(record)))
							.collect(Collectors.joining(", ")));
				passed &= records.size() == 2 && records.stream().allMatch((record) -> record.partition() == expected)
						&& type(records.get(0)).equals("order-created")
						&& type(records.get(1)).equals("order-cancelled")
						&& records.get(0).offset() < records.get(1).offset();
			}
			context.print(table.render("    "));
			return Verdict.of(passed,
					"%d orders, each created then cancelled: both records on the partition murmur2 gives, in order"
						.formatted(ORDERS));
		}
		catch (RuntimeException ex) {
			return Verdict.of(false, ex.getMessage());
		}
	}

	static String type(ConsumerRecord<String, byte[]> record) {
		Header type = record.headers().lastHeader(EventTypes.HEADER);
		return (type != null) ? new String(type.value(), StandardCharsets.UTF_8) : "?";
	}

	static List<String> customers(List<OrderLoad.Request> requests) {
		return requests.stream().map(OrderLoad.Request::customerId).toList();
	}

}
