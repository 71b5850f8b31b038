package com.example.orderflow.demo.cli;

import java.nio.file.Path;

import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

class DemoOptionsTests {

	@Test
	void withoutArgumentsStartsEverythingOnTheDefaultPortsWithDataInLocal() {
		DemoOptions options = DemoOptions.parse("--repo", "/repo");

		assertThat(options.command()).isEqualTo("up");
		assertThat(options.dataDirectory()).isEqualTo(Path.of("/repo/local"));
		assertThat(options.layout().bootstrapServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094");
		assertThat(options.layout().controllerPort(3)).isEqualTo(19094);
		assertThat(options.services()).extracting(ServiceProcess.Spec::name, ServiceProcess.Spec::port)
			.containsExactly(tuple(Stack.ORDERS, 8081), tuple(Stack.BILLING, 8082), tuple(Stack.BILLING_V2, 8083),
					tuple(Stack.SHIPPING, 8084), tuple(Stack.FRAUD, 8085), tuple(Stack.NOTIFICATION, 8086),
					tuple(Stack.BILLING_V2_LIVE, 8087));
		assertThat(options.secondOrdersPort()).isEqualTo(8088);
	}

	@Test
	void secureIsAFlagOfUpAndPlaintextStaysTheDefault() {
		assertThat(DemoOptions.parse("up").secure()).isFalse();
		DemoOptions secured = DemoOptions.parse("up", "--secure", "--kafka-port", "29092");
		assertThat(secured.secure()).isTrue();
		assertThat(secured.command()).isEqualTo("up");
		assertThat(secured.kafkaPort()).isEqualTo(29092);
		assertThat(DemoOptions.USAGE).contains("--secure");
	}

	@Test
	void billingV2IsTheBillingJarAsVersionTwo() {
		ServiceProcess.Spec v2 = DemoOptions.parse("--repo", "/repo")
			.services()
			.stream()
			.filter((spec) -> spec.name().equals(Stack.BILLING_V2))
			.findFirst()
			.orElseThrow();

		assertThat(v2.jar()).isEqualTo(Path.of("/repo/billing-service/target/billing-service-0.1.0-SNAPSHOT.jar"));
		assertThat(v2.extraArgs()).containsExactly("--billing.version=v2", "--billing.role=shadow",
				"--billing.comparison.enabled=true");
	}

	@Test
	void theConsoleListensBelowTheServicesUnlessMoved() {
		assertThat(DemoOptions.parse("up").consolePort()).isEqualTo(8080);
		assertThat(DemoOptions.parse("up", "--services-port-base", "18080").consolePort()).isEqualTo(18080);
		assertThat(DemoOptions.parse("up", "--console-port", "9999").consolePort()).isEqualTo(9999);
		assertThat(DemoOptions.USAGE).contains("--console-port");
	}

	@Test
	void everyPortCanBeMoved() {
		DemoOptions options = DemoOptions.parse("orders", "12", "--kafka-port", "29092", "--controller-port", "29192",
				"--services-port-base", "7000", "--fraud-port", "7777", "--data", "/tmp/elsewhere");

		assertThat(options.command()).isEqualTo("orders");
		assertThat(options.arguments()).containsExactly("12");
		assertThat(options.dataDirectory()).isEqualTo(Path.of("/tmp/elsewhere"));
		assertThat(options.layout().bootstrapServers()).isEqualTo("127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094");
		assertThat(options.layout().controllerPort(1)).isEqualTo(29192);
		assertThat(options.portOf(Stack.ORDERS)).isEqualTo(7001);
		assertThat(options.portOf(Stack.FRAUD)).isEqualTo(7777);
		assertThat(options.portOf(Stack.NOTIFICATION)).isEqualTo(7006);
		assertThat(options.secondOrdersPort()).isEqualTo(7008);
		assertThat(DemoOptions.parse("up", "--orders-port", "7001", "--orders-2-port", "7101").secondOrdersPort())
			.isEqualTo(7101);
	}

	@Test
	void benchKeepsItsOwnFlagAndOutputFolderAmongItsArguments() {
		DemoOptions options = DemoOptions.parse("bench", "--quick", "--out", "/tmp/results", "--data", "/tmp/bench");

		assertThat(options.command()).isEqualTo("bench");
		assertThat(options.arguments()).containsExactly("--quick", "--out", "/tmp/results");
		assertThat(options.dataDirectory()).isEqualTo(Path.of("/tmp/bench"));
	}

	@Test
	void rejectsWhatItDoesNotKnow() {
		assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse("up", "--kafka-prot", "1"))
			.withMessageContaining("--kafka-prot");
		assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse("up", "--kafka-port", "ninety"))
			.withMessageContaining("ninety");
		assertThatIllegalArgumentException().isThrownBy(() -> DemoOptions.parse("up", "--data"))
			.withMessageContaining("--data needs a value");
	}

}
