package com.example.orderflow.demo.drill;

import java.time.Duration;
import java.util.function.Consumer;

import com.example.orderflow.cluster.service.Stack;

/**
 * {@code kill -9} of orders-service while orders flow, and its start again as the same
 * instance, as a supervisor restarts a crashed process. Its clients do what the API asks
 * of them: every request answered 503 or not answered at all (refused or cut off by the
 * crash) is sent again with the same {@code Idempotency-Key}. Passes when every order was
 * acknowledged in the end, each once on {@code orders} and answered once by every group,
 * and no key has two orders: the restarted instance knew every key the killed one had
 * committed, including those whose 201 the crash swallowed.
 */
public final class OrdersRestartDrill {

	private static final Duration BEFORE_THE_KILL = Duration.ofSeconds(4);

	private static final Duration AFTER_THE_RESTART = Duration.ofSeconds(4);

	private final SystemProcesses processes;

	private final double ordersPerSecond;

	private final Consumer<String> progress;

	private final Consumer<String> out;

	/**
	 * @param ordersPerSecond the open-loop load
	 * @param progress each step as it happens
	 * @param out the counts
	 */
	public OrdersRestartDrill(SystemProcesses processes, double ordersPerSecond, Consumer<String> progress,
			Consumer<String> out) {
		this.processes = processes;
		this.ordersPerSecond = ordersPerSecond;
		this.progress = progress;
		this.out = out;
	}

	public DrillReport run() {
		DrillReport report = new DrillReport(
				"kill -9 of orders-service under load, its clients retrying with their Idempotency-Keys",
				this.progress);
		try (OutputLedger ledger = new OutputLedger(this.processes.clientProperties())) {
			OrderLoad.Running load = new OrderLoad(this.processes.serviceUri(Stack.ORDERS), this.progress, true)
				.start(this.ordersPerSecond, Duration.ofMinutes(5));
			ClusterChecks.pause(BEFORE_THE_KILL);
			// Throws, failing the drill, if it is not ready again in time.
			double down = this.processes.killAndRestart(Stack.ORDERS);
			report.number("seconds until ready again", "%.1f".formatted(down));
			ClusterChecks.pause(AFTER_THE_RESTART);
			OrderLoad.Result result = load.stop();
			report.check("every order acknowledged in the end", result.notAcknowledged().isEmpty(),
					"%d of %d answered 201 after %d retries with the same key (%d refused, %d errors in the end)"
						.formatted(result.acknowledged().size(), result.sent(), result.retries(),
								result.refused().size(), result.errors().size()));
			BrokerDrills.countOutputs(report, ledger, result, this.progress, this.out);
			OutputLedger.Written keys = ledger.written(ScaleDrill.customers(result.requests()));
			report.number("keys with two orders", keys.twice());
			report.check("no key with two orders", keys.twice() == 0,
					"%d keys sent, %d of them on orders, %d more than once".formatted(keys.requests(), keys.written(),
							keys.twice()));
		}
		catch (RuntimeException ex) {
			report.failed("drill", ex);
		}
		return report;
	}

}
