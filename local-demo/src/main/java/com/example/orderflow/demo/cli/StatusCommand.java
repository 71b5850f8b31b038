package com.example.orderflow.demo.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.process.PidFile;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.ServiceProcess;
import com.example.orderflow.demo.status.ClusterStatus;
import com.example.orderflow.demo.status.TextTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * {@code ./demo status}: the processes {@code ./demo} started (by their PID files, with
 * their resident memory), the cluster as the Admin API reads it (brokers, partitions,
 * consumer groups and lag; in secured mode its ACLs) and whether each service answers.
 */
final class StatusCommand {

	private final DemoOptions options;

	private final PrintStream out;

	private final Map<String, Object> clusterClient;

	/**
	 * @param clusterClient how the tooling reaches the cluster of the data folder
	 */
	StatusCommand(DemoOptions options, PrintStream out, Map<String, Object> clusterClient) {
		this.options = options;
		this.out = out;
		this.clusterClient = clusterClient;
	}

	int run() {
		printProcesses();
		Optional<ClusterSecurity> security = ClusterSecurity.existing(this.options.dataDirectory());
		String bootstrapServers = security.isPresent() ? this.options.layout().bootstrapServers(ClusterSecurity.HOST)
				: this.options.layout().bootstrapServers();
		if (!anyBrokerListens()) {
			this.out.println();
			this.out.println("No Kafka cluster runs at " + bootstrapServers + ": start one with ./demo up");
			return 1;
		}
		Map<String, Object> configuration = new HashMap<>(this.clusterClient);
		configuration.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-status");
		configuration.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
		configuration.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
		try (Admin admin = Admin.create(configuration)) {
			this.out.println();
			if (security.isPresent()) {
				this.out.println(securedLine(admin, security.get()));
			}
			this.out.print(ClusterStatus.render(ClusterStatus.read(admin, bootstrapServers, Duration.ofSeconds(5))));
		}
		catch (RuntimeException ex) {
			this.out.println("No Kafka cluster answers at " + bootstrapServers + " (" + ex.getMessage()
					+ "): start one with ./demo up");
			return 1;
		}
		this.out.println();
		this.out.println("Services");
		TextTable table = new TextTable();
		for (ServiceProcess.Spec service : this.options.services()) {
			table.row(service.name(), "http://127.0.0.1:" + service.port(),
					ServiceProcess.isReadyAt(service.port()) ? "ready" : "not answering");
		}
		this.out.print(table.render("  "));
		return 0;
	}

	/** What secured mode looks like on the cluster: the ACLs it holds, by principal. */
	private static String securedLine(Admin admin, ClusterSecurity security) {
		String acls;
		try {
			Collection<AclBinding> bindings = admin.describeAcls(AclBindingFilter.ANY)
				.values()
				.get(5, TimeUnit.SECONDS);
			acls = "%d ACLs for %d principals".formatted(bindings.size(),
					bindings.stream().map((binding) -> binding.entry().principal()).distinct().count());
		}
		catch (ExecutionException | TimeoutException ex) {
			acls = "ACLs unreadable: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		return "Secured: SASL_SSL (SCRAM-SHA-512) for clients at %s, mutual TLS between controllers, deny by default,"
			.formatted(ClusterSecurity.HOST) + " " + acls + "; secrets in " + security.directory();
	}

	/**
	 * A quick look first: the Admin client would take its whole timeout to find nobody
	 * home.
	 */
	private boolean anyBrokerListens() {
		ClusterLayout layout = this.options.layout();
		for (int node : layout.nodeIds()) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), layout.brokerPort(node)), 500);
				return true;
			}
			catch (IOException ex) {
				// Not this one.
			}
		}
		return false;
	}

	private void printProcesses() {
		List<PidFile> files = PidFile.in(this.options.layout().pidDirectory());
		this.out.println("Processes started by ./demo (" + this.options.layout().pidDirectory() + ")");
		if (files.isEmpty()) {
			this.out.println("  (none)");
			return;
		}
		TextTable table = new TextTable();
		for (PidFile file : files) {
			Optional<ProcessHandle> process = file.liveProcess();
			table.row(file.name(), process.map((p) -> "pid " + p.pid()).orElse("-"),
					process.isPresent() ? "running" : "gone (stale PID file)",
					process.flatMap(StatusCommand::residentMemory).orElse(""));
		}
		this.out.print(table.render("  "));
	}

	/** Resident memory from /proc, where there is a /proc. */
	private static Optional<String> residentMemory(ProcessHandle process) {
		Path status = Path.of("/proc", Long.toString(process.pid()), "status");
		try {
			return Files.readAllLines(status)
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.map((line) -> line.substring("VmRSS:".length()).trim().split("\\s+")[0])
				.map((kilobytes) -> "RSS " + (Long.parseLong(kilobytes) / 1024) + " MB")
				.findFirst();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

}
