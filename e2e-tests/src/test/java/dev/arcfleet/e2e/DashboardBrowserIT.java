package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.testsupport.LocalAdminToken;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard as a person uses it, in headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * driven by Selenium): the counts it shows match the API, a node registered meanwhile appears live without a reload,
 * its node page explains the decision and fills its timeline as the executor works, and a plan awaiting approval and a
 * rollout's state and batch appear and change live.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration UI_WAIT = Duration.ofSeconds(60);
    static final String LIVE_NODE =
            "browser-live-" + UUID.randomUUID().toString().substring(0, 8) + "/talos-cp-1";
    /** The site whose plans the policy holds for an operator's approval; every other site is approved automatically. */
    static final String MANUAL_SITE = "audit";

    static Pipeline pipeline;
    static WebDriver browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        Path policy = Files.createTempFile("browser-policy", ".json");
        Files.writeString(policy, """
                {"version": "browser", "approval": {"rules": [
                  {"name": "audit by hand", "match": {"site": "%s"}, "approve": "MANUAL"},
                  {"name": "the rest", "match": {}, "approve": "AUTO"}]}}""".formatted(MANUAL_SITE));
        pipeline = Pipeline.start(
                "browser",
                Map.of("planner", Map.of("FLEET_POLICY_FILE", policy.toString(), "PLANNER_ROLLOUTS_TICK", "1s")));
        base = pipeline.inventory().baseUrl();
        String fleet = """
                [
                  {"deviceId": "browser-ghent/talos-cp-1", "hostname": "talos-cp-1", "site": "ghent", "deviceClass": "SERVER",
                   "osImage": "Talos (v1.8.2)", "kernelVersion": "6.6.58-talos",
                   "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192, "readOnlyUsr": true, "packageManager": "none"},
                   "cluster": {"id": "browser-ghent", "distribution": "talos"}},
                  {"deviceId": "browser-lyon-db-01", "hostname": "db-01", "site": "lyon", "deviceClass": "SERVER",
                   "osRelease": {"ID": "ubuntu", "VERSION_ID": "22.04", "PRETTY_NAME": "Ubuntu 22.04.4 LTS"},
                   "host": {"architecture": "x86_64", "cpuCores": 8, "memoryMiB": 32768, "readOnlyUsr": false, "packageManager": "apt"}},
                  {"deviceId": "browser-porto-sensor-9", "hostname": "sensor-9", "site": "porto", "deviceClass": "SERVER",
                   "osImage": "Flatcar Container Linux by Kinvolk 3975.2.1 (Oklo)",
                   "host": {"architecture": "amd64", "cpuCores": 2, "memoryMiB": 4096, "readOnlyUsr": true, "packageManager": "none"}}
                ]""";
        assertThat(post("/api/v1/registrations", fleet).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(api("/api/v1/nodes/browser-ghent/talos-cp-1")
                                .at("/onboarding/state")
                                .asText())
                        .isEqualTo("SUCCEEDED"));
        browser = chromium();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void theDashboardShowsTheCountsTheApiGives() throws Exception {
        browser.get(base + "/");
        awaitLoaded();
        ui().untilAsserted(() -> {
            JsonNode summary = api("/api/v1/fleet/summary");
            assertThat(text("#total")).isEqualTo(summary.get("total").asText());
            for (Iterator<Map.Entry<String, JsonNode>> routes =
                            summary.get("byRoute").fields();
                    routes.hasNext(); ) {
                Map.Entry<String, JsonNode> route = routes.next();
                assertThat(text("[data-count='" + route.getKey() + "']"))
                        .as(route.getKey())
                        .isEqualTo(route.getValue().asText());
            }
            JsonNode bySite = api("/api/v1/fleet/breakdown?by=site").get("counts");
            assertThat(browser.findElements(By.cssSelector("#breakdown tbody tr")))
                    .hasSize(bySite.size());
            assertThat(browser.findElements(By.cssSelector("#node-table tbody tr[data-node-id]")))
                    .hasSize(Math.min(25, summary.get("total").asInt()));
            assertThat(text("#live-status")).isEqualTo("live");
        });
        ui().untilAsserted(() -> assertThat(text("#node-table tr[data-node-id='browser-porto-sensor-9'] [data-state]"))
                .isEqualTo("BLOCKED"));
    }

    @Test
    @Order(2)
    void aNodeRegisteredNowAppearsWithoutAReload() throws Exception {
        browser.get(base + "/");
        awaitLoaded();
        ui().until(() -> text("#live-status").equals("live"));
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
        long before = Long.parseLong(text("#total"));

        String cluster = LIVE_NODE.substring(0, LIVE_NODE.indexOf('/'));
        assertThat(post("/api/v1/registrations", """
                {"deviceId": "%s", "hostname": "talos-cp-1", "site": "ghent", "deviceClass": "SERVER",
                 "osImage": "Talos (v1.8.2)", "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192,
                 "readOnlyUsr": true, "packageManager": "none"}, "cluster": {"id": "%s", "distribution": "talos"}}""".formatted(LIVE_NODE, cluster))
                        .statusCode())
                .isEqualTo(200);

        ui().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector("#live-feed li[data-node-id='" + LIVE_NODE + "']")))
                    .isNotEmpty();
            assertThat(Long.parseLong(text("#total"))).isEqualTo(before + 1);
        });
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"))
                .as("the page was not reloaded")
                .isEqualTo(true);

        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys(cluster);
        ui().untilAsserted(() -> assertThat(browser.findElements(By.cssSelector("#node-table tbody tr[data-node-id]")))
                .singleElement()
                .satisfies(row -> assertThat(row.getAttribute("data-node-id")).isEqualTo(LIVE_NODE)));
    }

    @Test
    @Order(3)
    void theNodePageExplainsTheDecisionAndFillsTheTimeline() throws Exception {
        ui().untilAsserted(() -> browser.findElement(
                        By.cssSelector("#node-table tr[data-node-id='" + LIVE_NODE + "'] a.node-link"))
                .click());
        ui().until(() -> browser.getCurrentUrl().contains("/node.html"));
        awaitLoaded();
        assertThat(text("#node-id")).isEqualTo(LIVE_NODE);
        ui().untilAsserted(() -> {
            JsonNode node = api("/api/v1/nodes/" + LIVE_NODE);
            assertThat(text("#onboarding [data-field='route']")).isEqualTo("ARC_K8S");
            assertThat(text("#onboarding [data-field='correlation id']"))
                    .isEqualTo(node.get("correlationId").asText());
            assertThat(browser.findElements(By.cssSelector("#rationale li"))).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#rejected tr[data-route='DIRECT_AGENT']")))
                    .isNotEmpty();
            List<String> types = browser.findElements(By.cssSelector("#timeline tbody tr")).stream()
                    .map(r -> r.getAttribute("data-type"))
                    .toList();
            assertThat(types)
                    .startsWith("PLANNED")
                    .contains("STARTED", "STEP_SUCCEEDED")
                    .endsWith("SUCCEEDED");
            assertThat(text("#onboarding [data-field='state']")).isEqualTo("SUCCEEDED");
        });
        ui().untilAsserted(() ->
                assertThat(text("#onboarding [data-field='detail']")).contains("steps succeeded"));

        browser.get(base + "/");
        awaitLoaded();
        Path shot = pipeline.root.resolve("e2e-tests/target/dashboard.png");
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        System.out.println("dashboard screenshot: " + shot);
    }

    @Test
    @Order(4)
    void aPlanAwaitingApprovalAndARolloutsStateAndBatchAppearLive() throws Exception {
        browser.get(base + "/");
        awaitLoaded();
        ui().until(() -> text("#live-status").equals("live"));
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
        String run = UUID.randomUUID().toString().substring(0, 8);

        // a plan the policy holds for approval is listed with the command that approves it
        String audited = "browser-audit-" + run;
        assertThat(post("/api/v1/registrations", talos(audited, MANUAL_SITE)).statusCode())
                .isEqualTo(200);
        ui().untilAsserted(() -> {
            JsonNode approvals = api("/api/v1/fleet/approvals");
            JsonNode plan = null;
            for (JsonNode p : approvals.path("plans")) {
                if (audited.equals(p.path("targetId").asText())) {
                    plan = p;
                }
            }
            // an AssertionError until the plan is listed: untilAsserted retries only those
            assertThat(plan)
                    .as("the plan of %s among those awaiting approval", audited)
                    .isNotNull();
            assertThat(text("#approvals-count"))
                    .isEqualTo(approvals.get("count").asText());
            assertThat(text("#approvals li[data-plan='" + plan.get("planId").asText() + "'] code"))
                    .isEqualTo("bin/fleet-local approve " + plan.get("planId").asText());
        });

        // a rollout: waiting for its first plan, then its one batch released and succeeded
        String cluster = "browser-wave-" + run;
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create(pipeline.planner().baseUrl() + "/api/v1/rollouts"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", LocalAdminToken.header())
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"name": "browser wave", "selector": {"clusterIds": ["%s"]}, "soakSeconds": 0}""".formatted(cluster)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("rolloutId").asText();
        String row = "#rollouts li[data-rollout='" + id + "']";
        ui().untilAsserted(() -> {
            assertThat(text(row + " .state")).isEqualTo("ACTIVE");
            assertThat(text(row)).contains("browser wave", "batch 0 of 1", "bin/fleet-local rollouts abort " + id);
        });
        assertThat(post("/api/v1/registrations", talos(cluster, "ghent")).statusCode())
                .isEqualTo(200);
        ui().untilAsserted(() -> {
            assertThat(text(row + " .state")).isEqualTo("COMPLETED");
            assertThat(text(row)).contains("batch 1 of 1: 1/1 released, 1 succeeded, 0 failed");
            assertThat(text(row)).doesNotContain("bin/fleet-local rollouts abort");
        });
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"))
                .as("the page was not reloaded")
                .isEqualTo(true);
    }

    private static String talos(String cluster, String site) {
        return """
                {"deviceId": "%s/talos-cp-1", "hostname": "talos-cp-1", "site": "%s", "deviceClass": "SERVER",
                 "osImage": "Talos (v1.8.2)", "host": {"architecture": "amd64", "cpuCores": 4, "memoryMiB": 8192,
                 "readOnlyUsr": true, "packageManager": "none"}, "cluster": {"id": "%s", "distribution": "talos"}}""".formatted(cluster, site, cluster);
    }

    /** Debian's chromium and its chromedriver, headless, with the flags this closed network needs. */
    private static WebDriver chromium() throws Exception {
        Path binary = Path.of(System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium"));
        Path driver = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
        assertThat(Files.isExecutable(binary) && Files.isExecutable(driver))
                .as(
                        "the browser test needs Debian's chromium (%s) and chromium-driver (%s): bin/fleet-test installs them,"
                                + " or: apt-get install -y chromium chromium-driver",
                        binary, driver)
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1400,1300",
                "--user-data-dir="
                        + Files.createTempDirectory("chromium-profile-").toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver.toString()))
                .usingAnyFreePort()
                .withLogFile(pipeline.logs.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Waiting on the page: it re-renders as live events arrive, so an element read a moment ago may be replaced, and
     * one that is not there yet (a field shown once the node is decided) may come; such a read is tried again.
     */
    private static ConditionFactory ui() {
        return await().atMost(UI_WAIT)
                .ignoreExceptionsMatching(
                        e -> e instanceof StaleElementReferenceException || e instanceof NoSuchElementException);
    }

    private static void awaitLoaded() {
        ui().until(() -> "true".equals(browser.findElement(By.tagName("body")).getAttribute("data-loaded")));
    }

    /** The element's text; read again when the page replaced the element between finding and reading it. */
    private static String text(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                return browser.findElement(By.cssSelector(css)).getText().trim();
            } catch (StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static JsonNode api(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", LocalAdminToken.header())
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
