package com.example.orderflow.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.example.orderflow.cluster.service.Stack;
import com.example.orderflow.events.ConsumerGroups;
import com.example.orderflow.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console of {@code ./demo up} in headless Chromium, on the shared system: it
 * draws the cluster without an error in the browser's console, an order placed from the
 * page shows its journey (one record on {@code orders}, one output per group, each
 * committed), a broker killed from the page shows its leaders move as soon as the cluster
 * reports it, and a request from another origin acts on nothing. Its scale drill is in
 * {@link DrillsSystemTest}, which watches the page during the drill the suite runs
 * anyway.
 */
@SharedSystem
class ConsoleSystemTest {

	/**
	 * The page reads the cluster once a second; drawing may take that and a read more.
	 */
	private static final double SHOWN_WITHIN_SECONDS = 3;

	private static RunningSystem system;

	private static ConsolePage page;

	private static Admin admin;

	/**
	 * The page of the system this test is given: a new one if an earlier test left the
	 * shared system changed and got it replaced.
	 */
	@BeforeEach
	void openTheConsole(RunningSystem shared) {
		if (shared != system) {
			closeTheConsole();
			system = shared;
			page = ConsolePage.open(system.consoleUri());
			admin = Admin.create(system.clientProperties());
		}
	}

	@AfterEach
	void noErrorInTheBrowsersConsole() {
		assertThat(page.consoleErrors()).as("errors in the browser's console").isEmpty();
	}

	@AfterAll
	static void closeTheConsole() {
		if (page != null) {
			page.close();
			page = null;
		}
		if (admin != null) {
			admin.close(Duration.ofSeconds(5));
			admin = null;
		}
	}

	@Test
	void thePageDrawsEveryNodeTopicAndGroup() {
		page.await("3 nodes up, every main topic led, every group", Duration.ofSeconds(30),
				() -> List.of(1, 2, 3).stream().allMatch(page::nodeUp)
						&& Topics.MAIN.stream()
							.allMatch((topic) -> page.leaders(topic).size() == Topics.PARTITIONS
									&& !page.leaders(topic).contains("-1"))
						&& ConsumerGroups.ALL.stream().allMatch((group) -> !page.ownedPartitions(group).isEmpty()));
		page.screenshot("cluster");
	}

	@Test
	void anOrderPlacedFromThePageShowsOneCommittedRecordOnOrdersAndOneOutputPerGroup() {
		page.submit("orders-form", Map.of("count", "1"));
		page.awaitResult("orders", Duration.ofSeconds(60));
		List<String> expected = new ArrayList<>(List.of(Topics.ORDERS + " committed " + Stack.ORDERS));
		ConsumerGroups.OUTPUT_TOPICS.forEach((group, topic) -> expected.add(topic + " committed " + group));
		// The journey is read when asked: ask again until every group has written.
		page.await("the order's journey " + expected, Duration.ofSeconds(60), () -> {
			page.click("#results li[data-action=\"orders\"] a[data-journey]");
			page.await("a journey", Duration.ofSeconds(15), () -> !page.journeyRecords().isEmpty());
			return page.journeyRecords().stream().sorted().toList().equals(expected.stream().sorted().toList());
		});
		assertThat(page.traceLink())
			.hasValueSatisfying((link) -> assertThat(link).startsWith(system.traces().uiUri("").toString()));
		page.screenshot("journey");
	}

	@Test
	void aBrokerKilledFromThePageShowsItsLeadersMoveWithinSecondsOfTheClusterThenComesBack() throws Exception {
		int node = notTheActiveController();
		page.click("#nodes [data-node=\"" + node + "\"] button[data-act=\"kill-broker\"]");
		long killed = System.nanoTime();
		double[] clusterShowed = { -1 };
		double[] pageShowed = { -1 };
		await("the cluster and the page to show no partition led by node " + node).atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				double now = (System.nanoTime() - killed) / 1e9;
				if (clusterShowed[0] < 0 && !clusterLeaders().contains(node)) {
					clusterShowed[0] = now;
				}
				if (pageShowed[0] < 0 && !page.nodeUp(node)
						&& !page.leaders(Topics.ORDERS).contains(Integer.toString(node))) {
					pageShowed[0] = now;
				}
				return clusterShowed[0] >= 0 && pageShowed[0] >= 0;
			});
		page.awaitResult("kill-broker", Duration.ofSeconds(60));
		page.screenshot("broker-" + node + "-killed");
		System.out.printf(
				"[console] node %d killed: the cluster showed its leaders moved after %.1f s, the page after %.1f s%n",
				node, clusterShowed[0], pageShowed[0]);
		assertThat(pageShowed[0] - clusterShowed[0]).as("seconds from the cluster's leaders to the page's")
			.isLessThanOrEqualTo(SHOWN_WITHIN_SECONDS);
		page.click("#nodes [data-node=\"" + node + "\"] button[data-act=\"start-broker\"]");
		page.awaitResult("start-broker", Duration.ofMinutes(2));
		page.await("node " + node + " up again", Duration.ofSeconds(30), () -> page.nodeUp(node));
		page.screenshot("broker-" + node + "-back");
	}

	@Test
	void anActionFromAnotherOriginOrWithoutOneIsRefusedAndDoesNothing() throws Exception {
		URI scale = system.consoleUri().resolve("/api/actions/scale");
		HttpClient http = HttpClient.newHttpClient();
		String body = "{\"service\":\"" + Stack.FRAUD + "\",\"count\":2}";
		HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(scale)
			.header("Content-Type", "application/json")
			.header("Origin", "http://attacker.example")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> noOrigin = http.send(HttpRequest.newBuilder(scale)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(403);
		assertThat(noOrigin.statusCode()).as(noOrigin.body()).isEqualTo(403);
		assertThat(system.processes().instances(Stack.FRAUD)).containsExactly(Stack.FRAUD);
	}

	/** A node that is not the active controller, so the kill costs no election. */
	private static int notTheActiveController() throws Exception {
		int controller = admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId();
		return (controller == 1) ? 2 : 1;
	}

	/** The leaders of {@code orders} as the cluster reports them now, or all of them. */
	private static List<Integer> clusterLeaders() {
		try {
			TopicDescription orders = admin.describeTopics(List.of(Topics.ORDERS))
				.allTopicNames()
				.get(1, TimeUnit.SECONDS)
				.get(Topics.ORDERS);
			return orders.partitions()
				.stream()
				.map(TopicPartitionInfo::leader)
				.map((leader) -> (leader != null) ? leader.id() : -1)
				.toList();
		}
		catch (Exception ex) {
			return List.of(1, 2, 3);
		}
	}

}
