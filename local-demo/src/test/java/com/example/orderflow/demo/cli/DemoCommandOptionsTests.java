package com.example.orderflow.demo.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DemoCommandOptionsTests {

	@Test
	void loadKeepsItsRateAndDurationAmongItsArguments() {
		DemoOptions options = DemoOptions.parse("load", "--rate", "20", "--duration", "2m", "--kafka-port", "29092");
		assertThat(options.command()).isEqualTo("load");
		assertThat(options.arguments()).containsExactly("--rate", "20", "--duration", "2m");
		assertThat(options.kafkaPort()).isEqualTo(29092);
	}

	@Test
	void scaleAndKillTakeTheirWords() {
		assertThat(DemoOptions.parse("scale", "fraud-service", "3").arguments()).containsExactly("fraud-service", "3");
		assertThat(DemoOptions.parse("kill", "broker", "2").arguments()).containsExactly("broker", "2");
	}

	@Test
	void durationsReadAsSecondsMinutesOrMilliseconds() {
		assertThat(Demo.duration("30s")).isEqualTo(Duration.ofSeconds(30));
		assertThat(Demo.duration("2m")).isEqualTo(Duration.ofMinutes(2));
		assertThat(Demo.duration("90")).isEqualTo(Duration.ofSeconds(90));
		assertThat(Demo.duration("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThatIllegalArgumentException().isThrownBy(() -> Demo.duration("soon"));
	}

}
