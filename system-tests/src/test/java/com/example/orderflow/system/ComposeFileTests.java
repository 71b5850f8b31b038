package com.example.orderflow.system;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.example.orderflow.cluster.ClusterLayout;
import com.example.orderflow.cluster.LocalCluster;
import com.example.orderflow.cluster.security.AclMatrix;
import com.example.orderflow.cluster.security.ClusterSecurity;
import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.SecuredMode;
import com.example.orderflow.events.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BooleanNode;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker-compose.yml}, the root {@code Dockerfile} and {@code deploy/} checked
 * against the code, without a Docker engine: containers, ports, topics, bootstrap
 * addresses and the variable names the services read. Where {@code docker-compose} and
 * {@code promtool} are on the PATH ({@code .ci/run} installs them), they check the files
 * too; elsewhere those checks are skipped, saying why.
 */
class ComposeFileTests {

	private static final Path REPO_ROOT = Path.of(System.getProperty("orderflow.repo-root", ".."))
		.toAbsolutePath()
		.normalize();

	private static final String COMPOSE_FILE = "docker-compose.yml";

	/** The override of secured mode, on top of {@link #COMPOSE_FILE}. */
	private static final String SECURE_COMPOSE_FILE = "docker-compose.secure.yml";

	/** Where the override mounts each principal's directory in a service container. */
	private static final String PRINCIPAL_MOUNT = "/run/secrets/kafka:ro";

	private static final String ALERT_RULES = "deploy/prometheus/alerts.yml";

	private static final String PROMETHEUS_CONFIGURATION = "deploy/prometheus/prometheus.yml";

	private static final String TOPIC_CREATION = "kafka-init";

	/** Zipkin: the services' spans, and the UI that Grafana's exemplars link to. */
	private static final String TRACE_STORE = "zipkin";

	/** Where Zipkin listens unless {@code QUERY_PORT} says otherwise. */
	private static final int ZIPKIN_DEFAULT_PORT = 9411;

	private static final String GRAFANA_DATASOURCE = "deploy/grafana/provisioning/datasources/prometheus.yml";

	private static final String GRAFANA_DASHBOARD = "deploy/grafana/dashboards/orderflow.json";

	private static final Pattern CREATE_TOPIC = Pattern.compile(
			"--topic\\s+(\\S+)\\s+--partitions\\s+(\\d+)\\s+--replication-factor\\s+(\\d+)\\s+--config\\s+min\\.insync\\.replicas=(\\d+)");

	/**
	 * A tag that names a version: {@code 4.1.2}, {@code v1.5.0},
	 * {@code 17.0.17_10-jre-noble}.
	 */
	private static final Pattern VERSION_TAG = Pattern.compile("v?\\d[\\w.\\-]*");

	private static Map<String, Map<String, Object>> containers;

	private static Map<String, Map<String, Object>> secureContainers;

	@BeforeAll
	static void readComposeFile() throws IOException {
		containers = containersOf(COMPOSE_FILE);
		secureContainers = containersOf(SECURE_COMPOSE_FILE);
	}

	private static Map<String, Map<String, Object>> containersOf(String file) throws IOException {
		return map(yaml(file).get("services")).entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> map(entry.getValue()), (a, b) -> a,
					LinkedHashMap::new));
	}

	@Test
	void inSecuredModeEveryServiceContainerRunsTheSecureProfileAsItsOwnPrincipalOnly() {
		serviceContainers().keySet().forEach((container) -> {
			Map<String, Object> secured = secureContainers.get(container);
			assertThat(secured).as("%s in %s", container, SECURE_COMPOSE_FILE).isNotNull();
			Map<String, Object> environment = map(secured.get("environment"));
			assertThat(environment).as("%s's environment", container)
				.containsEntry("SPRING_PROFILES_ACTIVE", SecuredMode.PROFILE)
				.containsKey(SecuredMode.TRUSTSTORE_VARIABLE)
				.doesNotContainKey(SecuredMode.PASSWORD_VARIABLE);
			assertThat(String.valueOf(environment.get("SPRING_CONFIG_IMPORT")))
				.startsWith("configtree:/run/secrets/kafka");
			String principal = ClusterSecurity.PRINCIPAL_OF_SERVICE.get(container);
			assertThat(list(secured.get("volumes"))).as("%s's volumes", container)
				.filteredOn((volume) -> String.valueOf(volume).endsWith(PRINCIPAL_MOUNT))
				.containsExactly("./local/compose-secrets/principals/" + principal + ":" + PRINCIPAL_MOUNT);
		});
	}

	@Test
	void inSecuredModeBrokersSpeakOnlyTlsAndDenyWhatNoAclAllows() {
		for (String broker : brokers().keySet()) {
			Map<String, Object> environment = map(secureContainers.get(broker).get("environment"));
			assertThat(String.valueOf(environment.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))).as(broker)
				.doesNotContain("PLAINTEXT")
				.contains("CONTROLLER:SSL");
			assertThat(environment).as(broker)
				.containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
				.containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
				.containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", SecuredMode.MECHANISM)
				.containsEntry("KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "https")
				.containsEntry("KAFKA_LISTENER_NAME_CONTROLLER_SSL_CLIENT_AUTH", "required");
			// Host clients connect by the name the certificate carries, as with ./demo up
			// --secure.
			assertThat(String.valueOf(environment.get("KAFKA_ADVERTISED_LISTENERS")))
				.contains("EXTERNAL://" + ClusterSecurity.HOST + ":");
		}
	}

	@Test
	void inSecuredModeTheInitAppliesTheAclMatrixFileOfTheLauncher() throws IOException {
		String matrixPath = "local-cluster/src/main/resources/" + AclMatrix.class.getPackageName().replace('.', '/')
				+ "/" + AclMatrix.RESOURCE;
		assertThat(AclMatrix.parse(Files.readString(REPO_ROOT.resolve(matrixPath)))).isEqualTo(AclMatrix.load());
		for (String container : List.of("kafka-secrets", TOPIC_CREATION)) {
			assertThat(list(secureContainers.get(container).get("volumes"))).as(container)
				.contains("./" + matrixPath + ":/acl-matrix.tsv:ro");
		}
		assertThat(commandOf(secureContainers.get(TOPIC_CREATION))).contains("kafka-acls.sh")
			.contains("--add-config-file")
			.contains("/acl-matrix.tsv");
	}

	@Test
	void dockerComposeAcceptsTheSecureOverride() throws Exception {
		Path dockerCompose = requireTool("docker-compose",
				"docker-compose -f " + COMPOSE_FILE + " -f " + SECURE_COMPOSE_FILE + " config -q");
		assertSucceeds(dockerCompose.toString(), "-f", COMPOSE_FILE, "-f", SECURE_COMPOSE_FILE, "config", "-q");
	}

	@Test
	void everyServiceModuleHasAContainerBuiltFromItAndBillingV2HasItsOwn() {
		assertThat(serviceContainers().values()).containsAll(serviceModules());
		String version = System.getProperty("orderflow.version", "0.1.0-SNAPSHOT");
		serviceContainers().forEach((container, module) -> {
			assertThat(containers).as("a container for %s", module).containsKey(container);
			Map<String, Object> build = map(containers.get(container).get("build"));
			assertThat(build.get("context")).as("%s is built from the repository root", container).isEqualTo(".");
			assertThat(map(build.get("args"))).as("%s's build args", container).containsEntry("MODULE", module);
			assertThat(containers.get(container).get("image")).as("%s's image", container)
				.isEqualTo("orderflow/" + module + ":" + version);
		});
		assertThat(containers.entrySet().stream().filter((entry) -> entry.getValue().containsKey("build")))
			.as("containers built from this repository")
			.map(Map.Entry::getKey)
			.containsExactlyInAnyOrderElementsOf(serviceContainers().keySet());
		assertThat(serviceEnvironment(Stack.BILLING_V2).getProperty("billing.version")).isEqualTo("v2");
		assertThat(serviceEnvironment(Stack.BILLING).getProperty("billing.version")).isEqualTo("v1");
		assertThat(serviceEnvironment(Stack.BILLING).getProperty("billing.role")).isEqualTo("live");
		assertThat(serviceEnvironment(Stack.BILLING_V2).getProperty("billing.role")).isEqualTo("shadow");
		assertThat(serviceEnvironment(Stack.BILLING_V2).getProperty("billing.comparison.enabled")).isEqualTo("true");
		assertThat(serviceEnvironment(Stack.BILLING_V2_LIVE).getProperty("billing.version")).isEqualTo("v2");
		assertThat(serviceEnvironment(Stack.BILLING_V2_LIVE).getProperty("billing.role")).isEqualTo("live");
	}

	@Test
	void eachServiceIsPublishedAndProbedOnTheServerPortItsApplicationYmlGivesIt() {
		serviceContainers().keySet().forEach((container) -> {
			Integer port = serviceEnvironment(container).getProperty("server.port", Integer.class);
			assertThat(port).as("server.port of %s", container).isNotNull();
			assertThat(publishedPorts(container)).as("%s's published ports (host:container)", container)
				.containsExactly(port + ":" + port);
			assertThat(String.valueOf(map(containers.get(container).get("healthcheck")).get("test")))
				.as("%s's healthcheck", container)
				.contains("http://localhost:" + port + "/actuator/health/readiness");
		});
		assertThat(serviceEnvironment(Stack.BILLING_V2).getProperty("server.port", Integer.class)).isEqualTo(8083);
		assertThat(serviceEnvironment(Stack.BILLING_V2_LIVE).getProperty("server.port", Integer.class)).isEqualTo(8087);
	}

	@Test
	void topicCreationCreatesExactlyTheMainTopicsWithThePartitionsAndReplicationOfTheLocalCluster() {
		Map<String, Object> topicCreation = containers.get(TOPIC_CREATION);
		assertThat(topicCreation).as("the topic-creation container %s", TOPIC_CREATION).isNotNull();
		String command = commandOf(topicCreation);
		assertThat(command).contains("/opt/kafka/bin/kafka-topics.sh").contains("--create");
		List<String> topics = new ArrayList<>();
		Matcher created = CREATE_TOPIC.matcher(command);
		while (created.find()) {
			topics.add(created.group(1));
			assertThat(Integer.parseInt(created.group(2))).as("partitions of %s", created.group(1))
				.isEqualTo(Topics.PARTITIONS);
			assertThat(Integer.parseInt(created.group(3))).as("replication factor of %s", created.group(1))
				.isEqualTo(LocalCluster.REPLICATION_FACTOR);
			assertThat(Integer.parseInt(created.group(4))).as("min.insync.replicas of %s", created.group(1))
				.isEqualTo(LocalCluster.MIN_INSYNC_REPLICAS);
		}
		assertThat(topics).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(Topics.MAIN);
		assertThat(topicCreation.get("image")).isEqualTo(kafkaImage());
		assertThat(map(topicCreation.get("depends_on"))).as("%s waits for every broker", TOPIC_CREATION)
			.containsOnlyKeys(brokers().keySet())
			.allSatisfy(
					(broker, condition) -> assertThat(map(condition)).containsEntry("condition", "service_healthy"));
		serviceContainers().keySet()
			.forEach(
					(container) -> assertThat(map(map(containers.get(container).get("depends_on")).get(TOPIC_CREATION)))
						.as("%s starts after the topics exist", container)
						.containsEntry("condition", "service_completed_successfully"));
	}

	@Test
	void brokersFormOneQuorumReplicatedLikeTheLocalCluster() {
		Map<String, Map<String, Object>> brokers = brokers();
		assertThat(brokers).hasSize(LocalCluster.NODES);
		Set<String> voters = new TreeSet<>();
		brokers.forEach((broker, environment) -> {
			assertThat(containers.get(broker).get("image")).as("%s's image", broker).isEqualTo(kafkaImage());
			assertThat(containers.get(broker)).as("%s's healthcheck", broker).containsKey("healthcheck");
			assertThat(environment).as("%s's settings", broker)
				.containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
				.containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", (int) LocalCluster.REPLICATION_FACTOR)
				.containsEntry("KAFKA_MIN_INSYNC_REPLICAS", LocalCluster.MIN_INSYNC_REPLICAS)
				.containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", (int) LocalCluster.REPLICATION_FACTOR)
				.containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", (int) LocalCluster.REPLICATION_FACTOR)
				.containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", LocalCluster.MIN_INSYNC_REPLICAS)
				.containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
				.containsEntry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", 0);
			LocalCluster.GROUP_TIMEOUTS.forEach((setting, value) -> assertThat(environment)
				.as("%s's %s, as the local cluster's", broker, setting)
				.containsEntry("KAFKA_" + setting.toUpperCase(Locale.ROOT).replace('.', '_'), Integer.parseInt(value)));
			voters.add(String.valueOf(environment.get("KAFKA_CONTROLLER_QUORUM_VOTERS")));
		});
		assertThat(voters).as("one quorum: every node names the same voters").hasSize(1);
		assertThat(brokers.values()).extracting((environment) -> environment.get("KAFKA_NODE_ID"))
			.containsExactlyInAnyOrderElementsOf(ClusterLayout.defaults(REPO_ROOT).nodeIds());
		assertThat(brokers.values()).extracting((environment) -> environment.get("CLUSTER_ID"))
			.containsOnly(brokers.values().iterator().next().get("CLUSTER_ID"));
	}

	@Test
	void brokersAdvertiseTheirContainerNameInsideAndTheLocalClustersAddressesToTheHost() {
		List<String> hostAddresses = new ArrayList<>();
		brokers().forEach((broker, environment) -> {
			Map<String, String> advertised = advertisedListeners(environment);
			String internal = advertised.remove(String.valueOf(environment.get("KAFKA_INTER_BROKER_LISTENER_NAME")));
			assertThat(internal).as("%s's internal listener", broker).startsWith(broker + ":");
			assertThat(advertised).as("%s's listener for the host", broker).hasSize(1);
			String external = advertised.values().iterator().next();
			String port = external.substring(external.lastIndexOf(':') + 1);
			assertThat(publishedPorts(broker)).as("%s's published ports", broker).containsExactly(port + ":" + port);
			hostAddresses.add(external);
		});
		// So kcat, ./demo status and services run from the host work unchanged.
		assertThat(hostAddresses)
			.containsExactlyInAnyOrder(ClusterLayout.defaults(REPO_ROOT).bootstrapServers().split(","));
	}

	@Test
	void everyServiceAndToolBootstrapsFromTheInternalListenersOfAllThreeBrokers() {
		Set<String> internal = internalListeners();
		assertThat(internal).hasSize(LocalCluster.NODES);
		serviceContainers().keySet().forEach((container) -> {
			assertThat(environmentOf(container)).as("%s's environment", container)
				.containsKey("SPRING_KAFKA_BOOTSTRAP_SERVERS");
			List<String> bootstrapServers = Binder.get(serviceEnvironment(container))
				.bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
				.orElse(List.of());
			assertThat(bootstrapServers).as("spring.kafka.bootstrap-servers of %s", container)
				.containsExactlyInAnyOrderElementsOf(internal);
		});
		assertThat(addresses(String.valueOf(environmentOf("kafka-ui").get("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"))))
			.as("Kafka UI's bootstrap servers")
			.containsExactlyInAnyOrderElementsOf(internal);
		Matcher bootstrap = Pattern.compile("--bootstrap-server\\s+(\\S+)")
			.matcher(commandOf(containers.get(TOPIC_CREATION)));
		assertThat(bootstrap.find()).isTrue();
		assertThat(addresses(bootstrap.group(1))).as("the topic creation's bootstrap servers")
			.containsExactlyInAnyOrderElementsOf(internal);
	}

	@Test
	void eachServiceContainerHasItsOwnTransactionalInstanceId() {
		serviceContainers().keySet()
			.forEach((container) -> assertThat(serviceEnvironment(container).getProperty("orderflow.instance-id"))
				.as("orderflow.instance-id of %s", container)
				.isEqualTo(container));
	}

	@Test
	void noTwoContainersPublishTheSameHostPort() {
		List<String> hostPorts = new ArrayList<>();
		containers.keySet()
			.forEach((container) -> publishedPorts(container)
				.forEach((port) -> hostPorts.add(port.substring(0, port.indexOf(':')))));
		assertThat(hostPorts).isNotEmpty().doesNotHaveDuplicates();
	}

	@Test
	void everyImageIsPinnedToAVersionTag() throws IOException {
		List<String> images = new ArrayList<>();
		containers.values().forEach((container) -> images.add(String.valueOf(container.get("image"))));
		Set<String> stages = new TreeSet<>();
		for (String line : Files.readAllLines(REPO_ROOT.resolve("Dockerfile"))) {
			String[] words = line.trim().split("\\s+");
			if (words.length >= 2 && words[0].equalsIgnoreCase("FROM")) {
				if (!stages.contains(words[1])) {
					images.add(words[1]);
				}
				if (words.length >= 4 && words[2].equalsIgnoreCase("AS")) {
					stages.add(words[3]);
				}
			}
		}
		assertThat(images).isNotEmpty().allSatisfy((image) -> {
			int slash = image.lastIndexOf('/');
			int colon = image.lastIndexOf(':');
			assertThat(colon).as("%s has a tag", image).isGreaterThan(slash);
			assertThat(image.substring(colon + 1)).as("the tag of %s", image)
				.isNotEqualToIgnoringCase("latest")
				.matches(VERSION_TAG);
		});
	}

	@Test
	void prometheusScrapesEveryServiceContainerOnItsPort() throws IOException {
		List<String> targets = new ArrayList<>();
		for (Object scrape : list(yaml(PROMETHEUS_CONFIGURATION).get("scrape_configs"))) {
			if ("/actuator/prometheus".equals(map(scrape).get("metrics_path"))) {
				list(map(scrape).get("static_configs")).forEach(
						(targetGroup) -> list(map(targetGroup).get("targets")).forEach((t) -> targets.add((String) t)));
			}
		}
		assertThat(targets).containsExactlyInAnyOrderElementsOf(serviceContainers().keySet()
			.stream()
			.map((container) -> container + ":" + serviceEnvironment(container).getProperty("server.port"))
			.toList());
		assertThat(list(containers.get("prometheus").get("volumes")))
			.contains("./deploy/prometheus:/etc/prometheus:ro");
	}

	@Test
	void grafanaLoadsTheDashboardWhoseEveryPanelQueriesTheProvisionedPrometheus() throws IOException {
		Map<String, Object> datasource = map(
				list(yaml("deploy/grafana/provisioning/datasources/prometheus.yml").get("datasources")).get(0));
		Map<String, Object> provider = map(
				list(yaml("deploy/grafana/provisioning/dashboards/orderflow.yml").get("providers")).get(0));
		assertThat(list(containers.get("grafana").get("volumes")))
			.contains("./deploy/grafana/dashboards:" + map(provider.get("options")).get("path") + ":ro");
		JsonNode dashboard = JsonMapper.builder()
			.build()
			.readTree(Files.readString(REPO_ROOT.resolve("deploy/grafana/dashboards/orderflow.json")));
		assertThat(dashboard.path("panels").values()).isNotEmpty().allSatisfy((panel) -> {
			assertThat(panel.path("datasource").path("uid").asString()).as("datasource of %s", panel.path("title"))
				.isEqualTo(datasource.get("uid"));
			assertThat(panel.path("targets").values()).as("queries of %s", panel.path("title"))
				.isNotEmpty()
				.allSatisfy((target) -> assertThat(target.path("expr").asString()).isNotBlank());
		});
	}

	@Test
	void theTraceStoreRunsTheZipkinVersionOfTheBuildWithABoundedHeap() {
		Map<String, Object> traceStore = containers.get(TRACE_STORE);
		assertThat(traceStore).as("the trace store container %s", TRACE_STORE).isNotNull();
		assertThat(traceStore.get("image")).as("%s's image", TRACE_STORE).isEqualTo(zipkinImage());
		assertThat(traceStore).as("%s's healthcheck", TRACE_STORE).containsKey("healthcheck");
		assertThat(String.valueOf(environmentOf(TRACE_STORE).get("JAVA_OPTS"))).as("%s's JAVA_OPTS", TRACE_STORE)
			.contains("-Xmx");
	}

	@Test
	void everyServiceContainerExportsEverySpanToTheTraceStoreWithoutWaitingForIt() {
		int zipkinPort = zipkinPort();
		serviceContainers().keySet().forEach((container) -> {
			assertThat(environmentOf(container)).as("%s's environment", container)
				.containsKeys("MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENABLED", "MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENDPOINT",
						"MANAGEMENT_TRACING_SAMPLING_PROBABILITY");
			ConfigurableEnvironment environment = serviceEnvironment(container);
			assertThat(environment.getProperty("management.tracing.export.zipkin.enabled", Boolean.class))
				.as("management.tracing.export.zipkin.enabled of %s", container)
				.isTrue();
			assertThat(environment.getProperty("management.tracing.sampling.probability", Double.class))
				.as("management.tracing.sampling.probability of %s", container)
				.isEqualTo(1.0);
			URI endpoint = URI.create(environment.getProperty("management.tracing.export.zipkin.endpoint", ""));
			assertThat(endpoint).as("management.tracing.export.zipkin.endpoint of %s", container)
				.hasScheme("http")
				.hasHost(TRACE_STORE)
				.hasPort(zipkinPort)
				.hasPath("/api/v2/spans");
			// A trace store that is down costs traces, never an order.
			assertThat(map(map(containers.get(container).get("depends_on")).get(TRACE_STORE)).get("condition"))
				.as("%s's start condition on %s", container, TRACE_STORE)
				.isNotEqualTo("service_healthy");
			// Secured mode keeps them: compose merges the override's environment into
			// this one.
			assertThat(map(secureContainers.get(container).get("environment")))
				.as("%s's environment in %s", container, SECURE_COMPOSE_FILE)
				.doesNotContainKeys("MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENABLED",
						"MANAGEMENT_TRACING_EXPORT_ZIPKIN_ENDPOINT", "MANAGEMENT_TRACING_SAMPLING_PROBABILITY");
		});
	}

	@Test
	void grafanaLinksTheExemplarsOfEveryHistogramPanelToTheirTraceInZipkinsUi() throws IOException {
		Map<String, Object> datasource = map(list(yaml(GRAFANA_DATASOURCE).get("datasources")).get(0));
		String zipkinOnTheHost = "localhost:" + hostPortOf(TRACE_STORE, zipkinPort());
		// trace_id: the label of the exemplars that Micrometer's Prometheus registry
		// writes.
		assertThat(list(map(datasource.get("jsonData")).get("exemplarTraceIdDestinations")))
			.as("exemplarTraceIdDestinations of %s", GRAFANA_DATASOURCE)
			.extracting((destination) -> map(destination).get("name"),
					(destination) -> grafanaInterpolated(String.valueOf(map(destination).get("url"))))
			.contains(tuple("trace_id", "http://" + zipkinOnTheHost + "/zipkin/traces/${__value.raw}"));
		JsonNode dashboard = JsonMapper.builder()
			.build()
			.readTree(Files.readString(REPO_ROOT.resolve(GRAFANA_DASHBOARD)));
		List<String> histogramQueries = new ArrayList<>();
		dashboard.path("panels").values().forEach((panel) -> panel.path("targets").values().forEach((target) -> {
			if (target.path("expr").asString().contains("_bucket")) {
				histogramQueries.add(target.path("expr").asString());
				assertThat(target.get("exemplar"))
					.as("exemplar of %s's query %s", panel.path("title"), target.path("refId"))
					.isEqualTo(BooleanNode.TRUE);
			}
		}));
		assertThat(histogramQueries).as("queries of histograms in %s", GRAFANA_DASHBOARD).isNotEmpty();
	}

	@Test
	void prometheusStoresTheExemplarsItScrapesFromTheServices() throws IOException {
		List<String> features = new ArrayList<>();
		for (Object argument : list(containers.get("prometheus").get("command"))) {
			if (String.valueOf(argument).startsWith("--enable-feature=")) {
				features.addAll(addresses(String.valueOf(argument).substring("--enable-feature=".length())));
			}
		}
		assertThat(features).as("prometheus's --enable-feature").contains("exemplar-storage");
		// Exemplars come in OpenMetrics only: Prometheus 3 asks for it first unless told
		// otherwise.
		Map<String, Object> configuration = yaml(PROMETHEUS_CONFIGURATION);
		List<Object> protocolLists = new ArrayList<>();
		protocolLists.add(map(configuration.get("global")).get("scrape_protocols"));
		list(configuration.get("scrape_configs"))
			.forEach((scrape) -> protocolLists.add(map(scrape).get("scrape_protocols")));
		assertThat(protocolLists).as("scrape_protocols in %s", PROMETHEUS_CONFIGURATION)
			.filteredOn(Objects::nonNull)
			.allSatisfy(
					(protocols) -> assertThat(String.valueOf(list(protocols).get(0))).startsWith("OpenMetricsText"));
	}

	@Test
	void dockerComposeAcceptsTheFile() throws Exception {
		Path dockerCompose = requireTool("docker-compose", "docker-compose -f " + COMPOSE_FILE + " config -q");
		assertSucceeds(dockerCompose.toString(), "-f", COMPOSE_FILE, "config", "-q");
	}

	@Test
	void promtoolAcceptsTheAlertRules() throws Exception {
		Path promtool = requireTool("promtool", "promtool check rules " + ALERT_RULES);
		assertSucceeds(promtool.toString(), "check", "rules", ALERT_RULES);
	}

	@Test
	void promtoolAcceptsThePrometheusConfiguration() throws Exception {
		Path promtool = requireTool("promtool", "promtool check config " + PROMETHEUS_CONFIGURATION);
		assertSucceeds(promtool.toString(), "check", "config", PROMETHEUS_CONFIGURATION);
	}

	/**
	 * Every service container and the module it runs: each service module, and
	 * billing-v2.
	 */
	private static Map<String, String> serviceContainers() {
		Map<String, String> serviceContainers = new LinkedHashMap<>();
		serviceModules().forEach((module) -> serviceContainers.put(module, module));
		serviceContainers.put(Stack.BILLING_V2, Stack.BILLING);
		serviceContainers.put(Stack.BILLING_V2_LIVE, Stack.BILLING);
		return serviceContainers;
	}

	/** The modules of the root pom that are services: {@code *-service}. */
	private static List<String> serviceModules() {
		try {
			Matcher module = Pattern.compile("<module>([^<]+)</module>")
				.matcher(Files.readString(REPO_ROOT.resolve("pom.xml")));
			List<String> modules = new ArrayList<>();
			while (module.find()) {
				if (module.group(1).endsWith("-service")) {
					modules.add(module.group(1));
				}
			}
			assertThat(modules).as("service modules in the root pom").isNotEmpty();
			return modules;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What a service in this container sees: its module's {@code application.yml} under
	 * the container's environment variables, resolved and relaxed as Spring Boot does.
	 */
	private static ConfigurableEnvironment serviceEnvironment(String container) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
				new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new LinkedHashMap<>(environmentOf(container))));
		Path applicationYml = REPO_ROOT.resolve(serviceContainers().get(container))
			.resolve("src/main/resources/application.yml");
		try {
			for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
					new FileSystemResource(applicationYml))) {
				sources.addLast(source);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + applicationYml, ex);
		}
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	/** The containers that run a Kafka node, with their environment. */
	private static Map<String, Map<String, Object>> brokers() {
		Map<String, Map<String, Object>> brokers = new LinkedHashMap<>();
		containers.forEach((name, container) -> {
			Map<String, Object> environment = environmentOf(name);
			if (String.valueOf(environment.get("KAFKA_PROCESS_ROLES")).contains("broker")) {
				brokers.put(name, environment);
			}
		});
		return brokers;
	}

	/** The address each broker advertises on its inter-broker listener. */
	private static Set<String> internalListeners() {
		Set<String> internal = new TreeSet<>();
		brokers().forEach((broker, environment) -> internal.add(advertisedListeners(environment)
			.get(String.valueOf(environment.get("KAFKA_INTER_BROKER_LISTENER_NAME")))));
		return internal;
	}

	/** {@code INTERNAL://kafka-1:29092,EXTERNAL://...} as listener name to address. */
	private static Map<String, String> advertisedListeners(Map<String, Object> brokerEnvironment) {
		Map<String, String> listeners = new LinkedHashMap<>();
		for (String listener : String.valueOf(brokerEnvironment.get("KAFKA_ADVERTISED_LISTENERS")).split(",")) {
			String[] nameAndAddress = listener.trim().split("://", 2);
			listeners.put(nameAndAddress[0], nameAndAddress[1]);
		}
		return listeners;
	}

	private static String kafkaImage() {
		return System.getProperty("orderflow.kafka-image", "apache/kafka:4.3.1");
	}

	private static String zipkinImage() {
		return System.getProperty("orderflow.zipkin-image", "openzipkin/zipkin:3.5.1");
	}

	/** The port Zipkin listens on inside its container. */
	private static int zipkinPort() {
		return Integer
			.parseInt(String.valueOf(environmentOf(TRACE_STORE).getOrDefault("QUERY_PORT", ZIPKIN_DEFAULT_PORT)));
	}

	/** The host port that publishes this container port. */
	private static String hostPortOf(String container, int containerPort) {
		List<String> hostPorts = publishedPorts(container).stream()
			.filter((port) -> port.endsWith(":" + containerPort))
			.map((port) -> port.substring(0, port.indexOf(':')))
			.toList();
		assertThat(hostPorts).as("host ports of %s's port %d", container, containerPort).hasSize(1);
		return hostPorts.get(0);
	}

	/**
	 * A value of a Grafana provisioning file as Grafana reads it: {@code $$} is a literal
	 * {@code $}, and any other {@code $} an environment variable of Grafana's, which this
	 * repository never means.
	 */
	private static String grafanaInterpolated(String value) {
		String[] parts = value.split("\\$\\$", -1);
		assertThat(parts).as("%s has an unescaped $ (write $$)", value).noneMatch((part) -> part.contains("$"));
		return String.join("$", parts);
	}

	private static Map<String, Object> environmentOf(String container) {
		return map(containers.get(container).get("environment"));
	}

	/** Published ports as {@code host:container}. */
	private static List<String> publishedPorts(String container) {
		return list(containers.get(container).get("ports")).stream().map((port) -> {
			String[] parts = String.valueOf(port).split(":");
			return parts[parts.length - 2] + ":" + parts[parts.length - 1];
		}).toList();
	}

	private static String commandOf(Map<String, Object> container) {
		Object command = container.get("command");
		return (command instanceof List<?> parts) ? parts.stream().map(String::valueOf).collect(Collectors.joining(" "))
				: String.valueOf(command);
	}

	private static List<String> addresses(String commaSeparated) {
		return Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
	}

	private static Map<String, Object> yaml(String file) throws IOException {
		try (Reader reader = Files.newBufferedReader(REPO_ROOT.resolve(file), StandardCharsets.UTF_8)) {
			return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (value != null) ? (Map<String, Object>) value : Map.of();
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		return (value != null) ? (List<Object>) value : List.of();
	}

	/** The tool's path; the calling test is skipped, saying why, when it is not there. */
	private static Path requireTool(String tool, String check) {
		Optional<Path> found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.map((directory) -> Path.of(directory, tool))
			.filter(Files::isExecutable)
			.findFirst();
		if (found.isEmpty()) {
			System.out.println("ComposeFileTests: skipping `" + check + "`: " + tool
					+ " is not on the PATH (.ci/run installs it with apt-get)");
		}
		assumeTrue(found.isPresent(), () -> tool + " is not on the PATH: `" + check + "` skipped");
		return found.get();
	}

	private static void assertSucceeds(String... command) throws IOException, InterruptedException {
		Path output = Files.createTempFile("compose-file-tests-", ".log");
		try {
			Process process = new ProcessBuilder(command).directory(REPO_ROOT.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			boolean finished = process.waitFor(2, TimeUnit.MINUTES);
			if (!finished) {
				process.destroyForcibly();
			}
			String printed = Files.readString(output);
			System.out.println("ComposeFileTests: `" + String.join(" ", command) + "` printed:\n" + printed);
			assertThat(finished).as("%s finished within 2 minutes", String.join(" ", command)).isTrue();
			assertThat(process.exitValue()).as("exit code of %s; it printed:%n%s", String.join(" ", command), printed)
				.isZero();
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

}
