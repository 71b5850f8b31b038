package com.example.orderflow.demo.drill;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.orderflow.cluster.service.ServiceProcess;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureDrillTests {

	@Test
	void withNothingRunningTheFirstStepSaysWhyAndEveryOtherIsReportedAsNotRun() throws IOException {
		int nobody = ServiceProcess.freePort();
		URI nowhere = URI.create("http://127.0.0.1:" + nobody);
		List<String> progress = new ArrayList<>();

		FailureDrill.Result result = new FailureDrill(nowhere, nowhere,
				Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + nobody), progress::add)
			.run();

		assertThat(result.passed()).isFalse();
		assertThat(result.orderId()).isNull();
		assertThat(result.steps()).extracting(FailureDrill.Step::name).containsExactlyElementsOf(FailureDrill.STEPS);
		assertThat(result.steps().get(0).ran()).isTrue();
		assertThat(result.steps().get(0).detail()).contains("/admin/faults", "is shipping-service running?");
		assertThat(result.steps().subList(1, FailureDrill.STEPS.size())).allSatisfy((step) -> {
			assertThat(step.passed()).isFalse();
			assertThat(step.ran()).isFalse();
		});
		assertThat(result.report()).contains("0 of 12 steps passed");
		assertThat(progress).anySatisfy((line) -> assertThat(line).startsWith("✗ faults on"));
	}

}
