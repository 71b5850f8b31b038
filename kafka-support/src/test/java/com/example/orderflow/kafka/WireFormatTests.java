package com.example.orderflow.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.example.orderflow.events.DomainEvent;
import com.example.orderflow.events.EventTypes;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract a team in another language relies on: what our producers put on the wire
 * is the published JSON schema ({@code schemas/orderflow-events.schema.json}) under the
 * logical type id.
 */
class WireFormatTests {

	private static final String SCHEMA = "classpath:schemas/orderflow-events.schema.json";

	private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private final JsonMapper json = JsonMapper.builder().build();

	@SuppressWarnings("unchecked")
	private final Serializer<Object> serializer = EventSerializationAutoConfiguration.eventsOrBytes();

	WireFormatTests() {
		this.serializer.configure(Map.of("spring.json.type.mapping", EventTypes.typeMapping()), false);
	}

	@Test
	void everyEventTypeHasASample() {
		assertThat(SampleEvents.all().stream().map(Object::getClass).collect(Collectors.toSet()))
			.containsExactlyInAnyOrderElementsOf(EventTypes.all().values());
	}

	@Test
	void everyEventOnTheWireMatchesItsPublishedSchema() {
		for (DomainEvent event : SampleEvents.all()) {
			RecordHeaders headers = new RecordHeaders();
			byte[] bytes = this.serializer.serialize("any-topic", headers, event);
			String typeId = new String(headers.lastHeader("__TypeId__").value(), StandardCharsets.UTF_8);
			assertThat(typeId).isEqualTo(EventTypes.idOf(event.getClass()));
			assertThat(schemaOf(typeId).validate(this.json.readTree(bytes)))
				.as("%s on the wire: %s", typeId, new String(bytes, StandardCharsets.UTF_8))
				.isEmpty();
		}
	}

	@Test
	void schemaNamesEveryRecordComponentAsRequired() {
		for (Map.Entry<String, Class<? extends DomainEvent>> type : EventTypes.all().entrySet()) {
			JsonNode definition = schemaOf(type.getKey()).getSchemaNode();
			Set<String> components = Arrays.stream(type.getValue().getRecordComponents())
				.map((component) -> component.getName())
				.collect(Collectors.toCollection(TreeSet::new));
			assertThat(new TreeSet<>(definition.get("properties").propertyNames())).as(type.getKey())
				.isEqualTo(components);
			assertThat(definition.get("required").valueStream().map(JsonNode::asString).toList()).as(type.getKey())
				.containsExactlyInAnyOrderElementsOf(components);
		}
	}

	@Test
	void moneyAsAFloatingPointNumberBreaksTheSchema() {
		String created = """
				{"eventId":"3f1c2a9e-0f43-4a43-9d59-0c8c1c3c2b11","orderId":"3f1c2a9e-0f43-4a43-9d59-0c8c1c3c2b12",
				 "customerId":"c-1","lines":[{"sku":"S","quantity":1,"unitPrice":{"amount":12.5,"currency":"EUR"}}],
				 "total":{"amount":"12.50","currency":"EUR"},"shippingCountry":"DE","createdAt":"2026-11-24T18:00:00Z"}
				""";
		assertThat(schemaOf(EventTypes.ORDER_CREATED).validate(this.json.readTree(created)))
			.extracting((error) -> error.getInstanceLocation().toString())
			.anyMatch((location) -> location.contains("amount"));
	}

	@Test
	void rawBytesPassThroughUnchangedForDeadLetters() {
		byte[] garbage = { 0, (byte) 0xff, '{', 'x' };
		assertThat(this.serializer.serialize("orders-x-dlt", new RecordHeaders(), garbage)).isEqualTo(garbage);
	}

	@Test
	void amountsAreDecimalStringsScaledToTheCurrency() {
		DomainEvent created = SampleEvents.all().get(0);
		JsonNode tree = this.json.readTree(this.serializer.serialize("orders", new RecordHeaders(), created));
		assertThat(tree.get("total").get("amount").isString()).isTrue();
		assertThat(tree.get("total").get("amount").asString()).isEqualTo("25.00");
		assertThat(List.of(tree.get("createdAt").asString())).containsExactly("2026-11-24T18:00:00.123Z");
	}

	private Schema schemaOf(String typeId) {
		return this.schemas.getSchema(SchemaLocation.of(SCHEMA + "#/$defs/" + typeId));
	}

}
