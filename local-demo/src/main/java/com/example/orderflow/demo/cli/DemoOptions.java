package com.example.orderflow.demo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.cluster.tracing.TraceStore;

/**
 * The command line of {@code ./demo}: a command, its arguments, and options that move
 * data and ports.
 *
 * @param command what to do: up, down, status, clean, cluster, orders, failures, help
 * @param arguments the command's own arguments ({@code orders 10})
 * @param repoRoot where the service modules are
 * @param dataDirectory where data, logs and PID files go
 * @param kafkaPort the client port of node 1
 * @param controllerPort the controller port of node 1
 * @param servicesPortBase orders on base + 1 to notification on base + 6
 * @param servicePorts single ports that differ, by service name
 * @param secondOrdersPortOption where {@code ./demo scale orders-service 2} starts the
 * second orders-service, if set ({@code --orders-2-port}); else the first one's port + 7
 * @param tour after {@code up}, run the guided tour, then stop everything and exit
 * @param secure {@code up} or {@code cluster} in secured mode: TLS, SCRAM principals,
 * ACLs
 * @param zipkinPort the trace store's port
 * @param consolePortOption where the web console listens, if set
 * ({@code --console-port}); else the services' port base (8080)
 */
record DemoOptions(String command, List<String> arguments, Path repoRoot, Path dataDirectory, int kafkaPort,
		int controllerPort, int servicesPortBase, Map<String, Integer> servicePorts, OptionalInt secondOrdersPortOption,
		boolean tour, boolean secure, int zipkinPort, OptionalInt consolePortOption) {

	static final String USAGE = """
			Usage: ./demo [command] [options]

			Commands:
			  (none)        up, then the guided tour: ten ideas shown live and verified, a PASS/FAIL
			                table at the end; stops everything and exits 1 if any idea failed
			  up            start the 3-node Kafka cluster and the services; Ctrl-C stops all
			  cluster       start only the Kafka cluster, in the foreground; Ctrl-C stops it
			  status        brokers, partitions (leader, replicas, ISR), consumer groups and lag
			  tour          the guided tour against a running ./demo up
			  orders [n]    place n sample orders (default 5), cancel some, show each group's results
			  load [--rate R] [--duration D]
			                open-loop orders at R per second (default 10) for D (default 30s; 90s, 2m)
			  scale <service> <n>
			                run n instances of a service (a second orders-service listens on 8088)
			                and show who owns which partition
			  kill broker <id>, start broker <id>
			                kill -9 a Kafka node and watch leadership move; start it again, wait until
			                it is back in every ISR and restore the preferred leaders
			  kill <instance>
			                kill -9 one service instance (fraud-service-2)
			  drill <scale|broker|quorum|rolling|orders|protocols|share> [--rate R]
			                a verified drill under load: scale fraud-service to 3, kill one, then 7;
			                kill -9 the active controller; two of three brokers down; a rolling restart;
			                kill -9 orders-service; the classic and the consumer rebalance protocol
			                side by side (small demo groups: 3 members, kill -9 one, 7); the
			                notification-dispatch share group (8 members, a kill, a reject)
			  cutover billing
			                show the v1/v2 comparison, then make billing v2 the live writer of
			                invoices: v1 stops, its committed offsets go to billing-v2-live
			  rollback billing
			                the same back to v1
			  bench [--out DIR] [--quick]
			                start a separate cluster and services on free ports in a temporary
			                directory (the data and ports options do not apply to it), measure raw
			                Kafka, ingest at rising rates and the pipeline per group; print a table of
			                ratios to raw Kafka, write bench-<time>.json and .svg to DIR (default
			                ./local/bench). --quick: about 2 minutes after the start, not 6
			  trace <orderId>
			                the order's trace read from Zipkin, as a tree: each service's span,
			                how long it took, the record it handled (topic partition@offset)
			  failures      drive one order through shipping's retry topics to its dead-letter topic,
			                replay it and check it is shipped exactly once (exits 1 if a step fails)
			  down          stop what ./demo up started, from another shell
			  clean         delete the cluster's data, logs and PID files (stop it first)

			Options:
			  --secure                    with up or cluster: TLS and SCRAM for clients (localhost only), one
			                              principal per service, ACLs that deny what the matrix does not allow;
			                              certificates and passwords in <data>/secrets (see README, Secured mode)
			  --data DIR                  data, logs and PID files (default: ./local)
			  --kafka-port N              client port of node 1; nodes use N, N+1, N+2 (default 9092)
			  --controller-port N         controller port of node 1 (default 19092)
			  --services-port-base N      orders on N+1 up to notification on N+6 (default 8080)
			  --orders-port N, --billing-port N, --billing-v2-port N,
			  --shipping-port N, --fraud-port N, --notification-port N, --billing-v2-live-port N
			  --zipkin-port N             the trace store (Zipkin's server, UI on /zipkin/; default 9411)
			  --console-port N            the web console of ./demo up (default: the services' port base, 8080)
			  --orders-2-port N           the second orders-service of ./demo scale orders-service 2
			                              (default: the orders port + 7, 8088)
			""";

	private static final int SECOND_ORDERS_AFTER_FIRST = 7;

	/** Options that belong to a command, kept among its arguments. */
	private static final java.util.Set<String> COMMAND_OPTIONS = java.util.Set.of("--rate", "--duration", "--out");

	/** Flags that belong to a command, kept among its arguments. */
	private static final java.util.Set<String> COMMAND_FLAGS = java.util.Set.of("--quick");

	/** Option prefix of a single service's port, by service name. */
	private static final Map<String, String> PORT_OPTIONS = Map.of("--orders-port", Stack.ORDERS, "--billing-port",
			Stack.BILLING, "--billing-v2-port", Stack.BILLING_V2, "--shipping-port", Stack.SHIPPING, "--fraud-port",
			Stack.FRAUD, "--notification-port", Stack.NOTIFICATION, "--billing-v2-live-port", Stack.BILLING_V2_LIVE);

	static DemoOptions parse(String... args) {
		String command = null;
		List<String> arguments = new ArrayList<>();
		Path repoRoot = Path.of("").toAbsolutePath();
		Path dataDirectory = null;
		int kafkaPort = ClusterLayout.defaults(Path.of("")).firstBrokerPort();
		int controllerPort = ClusterLayout.defaults(Path.of("")).firstControllerPort();
		int servicesPortBase = Stack.DEFAULT_PORT_BASE;
		Map<String, Integer> servicePorts = new LinkedHashMap<>();
		OptionalInt secondOrdersPort = OptionalInt.empty();
		boolean tour = false;
		boolean secure = false;
		int zipkinPort = TraceStore.DEFAULT_PORT;
		OptionalInt consolePort = OptionalInt.empty();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("-h") || arg.equals("--help")) {
				command = "help";
			}
			else if (arg.equals("--tour")) {
				tour = true;
			}
			else if (arg.equals("--secure")) {
				secure = true;
			}
			else if (COMMAND_FLAGS.contains(arg)) {
				arguments.add(arg);
			}
			else if (COMMAND_OPTIONS.contains(arg)) {
				// The command's own options (load --rate 20): it reads them itself.
				arguments.add(arg);
				arguments.add(valueOf(args, i++));
			}
			else if (arg.startsWith("--")) {
				String value = valueOf(args, i++);
				switch (arg) {
					case "--data" -> dataDirectory = Path.of(value);
					case "--repo" -> repoRoot = Path.of(value).toAbsolutePath();
					case "--kafka-port" -> kafkaPort = port(arg, value);
					case "--controller-port" -> controllerPort = port(arg, value);
					case "--services-port-base" -> servicesPortBase = port(arg, value);
					case "--orders-2-port" -> secondOrdersPort = OptionalInt.of(port(arg, value));
					case "--zipkin-port" -> zipkinPort = port(arg, value);
					case "--console-port" -> consolePort = OptionalInt.of(port(arg, value));
					default -> {
						String service = PORT_OPTIONS.get(arg);
						if (service == null) {
							throw new IllegalArgumentException("Unknown option " + arg);
						}
						servicePorts.put(service, port(arg, value));
					}
				}
			}
			else if (command == null) {
				command = arg;
			}
			else {
				arguments.add(arg);
			}
		}
		if (dataDirectory == null) {
			dataDirectory = repoRoot.resolve("local");
		}
		return new DemoOptions((command != null) ? command : "up", List.copyOf(arguments), repoRoot,
				dataDirectory.toAbsolutePath().normalize(), kafkaPort, controllerPort, servicesPortBase,
				Map.copyOf(servicePorts), secondOrdersPort, tour, secure, zipkinPort, consolePort);
	}

	private static String valueOf(String[] args, int index) {
		if (index + 1 >= args.length) {
			throw new IllegalArgumentException(args[index] + " needs a value");
		}
		return args[index + 1];
	}

	private static int port(String option, String value) {
		try {
			int port = Integer.parseInt(value);
			if (port < 1 || port > 65535) {
				throw new NumberFormatException();
			}
			return port;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(option + " needs a port number, not " + value);
		}
	}

	ClusterLayout layout() {
		return new ClusterLayout(this.dataDirectory, this.kafkaPort, this.controllerPort);
	}

	List<ServiceProcess.Spec> services() {
		return Stack.defaultServices(this.repoRoot, this.servicesPortBase)
			.stream()
			.map((spec) -> spec.withPort(this.servicePorts.getOrDefault(spec.name(), spec.port())))
			.toList();
	}

	/**
	 * The port of the second orders-service: {@code --orders-2-port}, else the first
	 * one's + 7 (8088 beside 8081, as the design has it).
	 */
	int secondOrdersPort() {
		return this.secondOrdersPortOption.orElse(portOf(Stack.ORDERS) + SECOND_ORDERS_AFTER_FIRST);
	}

	/**
	 * Where the web console listens: {@code --console-port}, else the services' port
	 * base.
	 */
	int consolePort() {
		return this.consolePortOption.orElse(this.servicesPortBase);
	}

	int portOf(String service) {
		return services().stream().filter((spec) -> spec.name().equals(service)).findFirst().orElseThrow().port();
	}

}
