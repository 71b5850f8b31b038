package com.example.orderflow.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.example.orderflow.demo.drill.GroupAssignments;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The web console in a real browser: Debian's headless Chromium driven through Debian's
 * chromedriver (both given by path, so Selenium downloads nothing), with what a test
 * reads from the page: the data attributes the page's script writes beside what it draws.
 * Screenshots go to {@code target/console/}.
 */
final class ConsolePage implements AutoCloseable {

	private static final List<Path> BROWSERS = List.of(Path.of("/usr/lib/chromium/chromium"),
			Path.of("/usr/bin/chromium"));

	private static final List<Path> DRIVERS = List.of(Path.of("/usr/bin/chromedriver"),
			Path.of("/usr/lib/chromium/chromedriver"));

	private static final Path SCREENSHOTS = Path.of("target", "console");

	private static final Duration POLL = Duration.ofMillis(100);

	private final ChromeDriver driver;

	/** The browser's profile and temporary files, removed when the page closes. */
	private final Path profile;

	private ConsolePage(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Opens the console and waits until it has drawn a first view. */
	static ConsolePage open(URI console) {
		Path profile;
		try {
			// Short, in /tmp: Chromium's singleton socket lives below it, and a Unix
			// socket's path may not be longer than 107 bytes (under target/ of a deep
			// checkout it was, and Chromium exited at start).
			profile = Files.createTempDirectory("orderflow-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(first(BROWSERS).toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--window-size=1500,1500", "--remote-allow-origins=*", "--user-data-dir=" + profile.resolve("profile"),
				"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		// Chromium's own temporary files (its singleton socket) go there too, not to
		// /tmp.
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(first(DRIVERS).toFile())
			.usingAnyFreePort()
			.withEnvironment(Map.of("TMPDIR", profile.toString()))
			.build();
		ConsolePage page = new ConsolePage(new ChromeDriver(service, options), profile);
		page.driver.get(console.toString());
		page.await("a first view", Duration.ofSeconds(20),
				() -> !page.script("return document.getElementById('updated').textContent").toString().isEmpty());
		return page;
	}

	private static Path first(List<Path> candidates) {
		return candidates.stream()
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No " + candidates + ": install Debian's chromium and "
					+ "chromium-driver (.ci/run does: apt-get install chromium chromium-driver)"));
	}

	/** The page's console messages at level SEVERE (errors) since it opened. */
	List<String> consoleErrors() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
			.map(LogEntry::toString)
			.toList();
	}

	/**
	 * The partitions of {@code orders} that each member of a group owns, as the page
	 * draws them: one entry per member that owns any ({@code "0,1"}).
	 */
	List<String> ownedPartitions(String group) {
		return strings("return Array.from(document.querySelectorAll('[data-group=\"" + group
				+ "\"] [data-member]')).map((member) => member.dataset.partitions).filter((owned) => owned.length)");
	}

	/** Whether the page draws a node as up. */
	boolean nodeUp(int node) {
		return Boolean.TRUE.equals(script("const node = document.querySelector('#nodes [data-node=\"" + node
				+ "\"]'); return node !== null && node.dataset.up === 'true'"));
	}

	/**
	 * The leader of each partition of a topic as the page draws it, in partition order.
	 */
	List<String> leaders(String topic) {
		return strings("return Array.from(document.querySelectorAll('#topics [data-topic=\"" + topic
				+ "\"] tr[data-partition]')).map((row) => row.dataset.leader)");
	}

	/** Fills a form's fields and submits it. */
	void submit(String formId, Map<String, String> fields) {
		WebElement form = this.driver.findElement(By.id(formId));
		fields.forEach((name, value) -> {
			WebElement field = form.findElement(By.name(name));
			if (field.getTagName().equals("select")) {
				new org.openqa.selenium.support.ui.Select(field).selectByVisibleText(value);
			}
			else {
				field.clear();
				field.sendKeys(value);
			}
		});
		form.findElement(By.cssSelector("button[type=submit]")).click();
	}

	/**
	 * Clicks the first element that matches a CSS selector, once the page has drawn one.
	 * Found and clicked in one script: the page redraws what changed in the view, and an
	 * element found in one call may be replaced before the next.
	 */
	void click(String selector) {
		String quoted = selector.replace("\\", "\\\\").replace("'", "\\'");
		await(selector, Duration.ofSeconds(10),
				() -> Boolean.TRUE.equals(script("const element = document" + ".querySelector('" + quoted
						+ "'); if (element === null) return false; element.click(); return true")));
	}

	/**
	 * Waits for the newest result of an action to be in, and returns its text (summary
	 * and evidence).
	 * @throws AssertionError if the action failed
	 */
	String awaitResult(String action, Duration timeout) {
		await(action + "'s result", timeout,
				() -> !"pending".equals(script("const entry = document.querySelector('#results li[data-action=\""
						+ action + "\"]');" + " return entry === null ? 'pending' : entry.dataset.ok")));
		WebElement entry = this.driver.findElement(By.cssSelector("#results li[data-action=\"" + action + "\"]"));
		if (!"true".equals(entry.getDomAttribute("data-ok"))) {
			throw new AssertionError(action + " failed on the page: " + entry.getText());
		}
		return entry.getText();
	}

	/**
	 * The records of the journey the page shows: for each, "topic status writer"
	 * ({@code invoices committed billing-service}).
	 */
	List<String> journeyRecords() {
		return strings("return Array.from(document.querySelectorAll('#journey tr[data-journey-record]'))"
				+ ".map((row) => row.dataset.topic + ' ' + row.dataset.status + ' ' + row.dataset.writtenBy)");
	}

	/** The trace link of the journey the page shows, if any. */
	Optional<String> traceLink() {
		return this.driver.findElements(By.id("trace-link"))
			.stream()
			.map((link) -> link.getDomAttribute("href"))
			.findFirst();
	}

	/** Saves what the browser shows as {@code target/console/<name>.png}. */
	Path screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path file = SCREENSHOTS.resolve(name + ".png");
			Files.write(file, this.driver.getScreenshotAs(OutputType.BYTES));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Polls the page until the condition holds.
	 * @return how long it took, in seconds
	 * @throws AssertionError if it did not hold in time, with what the page says it could
	 * not read and a screenshot
	 */
	double await(String what, Duration timeout, Callable<Boolean> condition) {
		long started = System.nanoTime();
		try {
			Awaitility.await("the console to show " + what)
				.atMost(timeout)
				.pollDelay(Duration.ZERO)
				.pollInterval(POLL)
				.until(condition);
		}
		catch (ConditionTimeoutException ex) {
			Path screenshot = screenshot("not-shown-" + System.currentTimeMillis());
			throw new AssertionError(ex.getMessage() + "; the page says: "
					+ script("return document.getElementById('problem').textContent") + "; screenshot " + screenshot,
					ex);
		}
		return (System.nanoTime() - started) / 1e9;
	}

	/**
	 * How long after the cluster's {@code describeConsumerGroups} shows a group's owners
	 * the page draws the same members owning the same partitions of {@code orders}.
	 * @return the seconds, and the shape (each member's share, largest first)
	 */
	Shown groupShown(Admin admin, String group, Duration timeout) {
		GroupAssignments cluster = GroupAssignments.read(admin, group);
		List<String> owners = cluster.members()
			.stream()
			.map(GroupAssignments.Member::partitions)
			.filter((partitions) -> !partitions.isEmpty())
			.map((partitions) -> partitions.stream().map(String::valueOf).collect(Collectors.joining(",")))
			.sorted()
			.toList();
		double seconds = await(group + "'s owners " + owners, timeout,
				() -> ownedPartitions(group).stream().sorted().toList().equals(owners));
		return new Shown(cluster.shares(), seconds);
	}

	/**
	 * @param shares each member's share of the partitions, as the cluster had it
	 * @param seconds how long the page took to draw it
	 */
	record Shown(List<Integer> shares, double seconds) {

	}

	private Object script(String script) {
		return ((JavascriptExecutor) this.driver).executeScript(script);
	}

	@SuppressWarnings("unchecked")
	private List<String> strings(String script) {
		Object result = script(script);
		return (result instanceof List<?> list) ? Stream.of(list.toArray()).map(String::valueOf).toList()
				: (List<String>) List.<String>of();
	}

	@Override
	public void close() {
		this.driver.quit();
		try (var files = Files.walk(this.profile)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary folder left behind is not worth failing a test for.
		}
	}

}
