package dev.arcfleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.PostgresNode;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import dev.arcfleet.testsupport.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped (fast shutdown: every session cut) and started again while registrations arrive over REST and
 * Kafka: the REST client is told 503 with Retry-After while the database is away and sends again; the services
 * reconnect by themselves; every registration accepted or acknowledged ends with a decision in the registry.
 */
class DatabaseRestartIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int BULKS = 60;
    static final int BULK_SIZE = 25;
    static final int KAFKA_REGISTRATIONS = 1000;
    static final Duration DOWN_FOR = Duration.ofSeconds(5);

    @Test
    void servicesRecoverFromADatabaseRestartAndLoseNothing() throws Exception {
        Path root =
                Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        Path logs = Pipeline.logDir(root);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String bootstrap = LocalKafka.bootstrapServers();
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        LocalKafka.createTopics(topics);
        List<ServiceProcess> services = new ArrayList<>();
        try (PostgresNode pg = PostgresNode.startForTest(
                root, root.resolve("e2e-tests/target/pg-restart-" + run), List.of("inventory_pgr", "planner_pgr"))) {
            services.addAll(FaultLoad.inventoryAndPlanner(root, bootstrap, service -> pg.jdbcUrl(service + "_pgr")));
            ServiceProcess inventory = services.get(0);

            Set<String> expected = ConcurrentHashMap.newKeySet();
            Map<Integer, Integer> restStatuses = new TreeMap<>();
            AtomicInteger kafkaFailed = new AtomicInteger();
            CompletableFuture<Void> kafkaLoad =
                    CompletableFuture.runAsync(() -> produce(bootstrap, run, expected, kafkaFailed));

            HttpClient http = HttpClient.newHttpClient();
            Instant stoppedAt = null;
            CompletableFuture<Instant> restarted = null;
            for (int b = 0; b < BULKS; b++) {
                if (b == BULKS / 3) {
                    pg.stop();
                    stoppedAt = Instant.now();
                    restarted = CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    pg.restart();
                                    return Instant.now();
                                } catch (Exception e) {
                                    throw new IllegalStateException("PostgreSQL did not start again", e);
                                }
                            },
                            CompletableFuture.delayedExecutor(DOWN_FOR.toMillis(), TimeUnit.MILLISECONDS));
                }
                List<String> ids = new ArrayList<>();
                StringBuilder bulk = new StringBuilder("[");
                for (int i = 0; i < BULK_SIZE; i++) {
                    String id = "pgr-" + run + "-rest-" + b + "-" + i;
                    ids.add(id);
                    bulk.append(i == 0 ? "" : ",").append(FaultLoad.registration(id, i));
                }
                bulk.append(']');
                // a device's behaviour: on 503 wait as told and send the same bulk again
                for (int attempt = 0; ; attempt++) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(inventory.baseUrl() + "/api/v1/registrations"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", LocalAdminToken.header())
                                    .timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofString(bulk.toString()))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    restStatuses.merge(r.statusCode(), 1, Integer::sum);
                    if (r.statusCode() == 200) {
                        assertThat(JSON.readTree(r.body()).get("accepted").asInt())
                                .isEqualTo(BULK_SIZE);
                        expected.addAll(ids);
                        break;
                    }
                    assertThat(r.statusCode())
                            .as("answer while the database is away: %s", r.body())
                            .isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(attempt).as("attempts of one bulk").isLessThan(60);
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            Instant restartedAt = restarted.get(2, TimeUnit.MINUTES);
            kafkaLoad.get(3, TimeUnit.MINUTES);
            assertThat(kafkaFailed.get()).as("Kafka sends that failed").isZero();
            assertThat(expected).hasSize(BULKS * BULK_SIZE + KAFKA_REGISTRATIONS);

            Instant waitFrom = Instant.now();
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        Map<String, String> states = states(http, inventory, "pgr-" + run);
                        assertThat(states.keySet()).as("registered nodes").containsAll(expected);
                        assertThat(states.values()).as("every node decided").doesNotContain("PENDING");
                    });
            services.forEach(s -> assertThat(s.isAlive()).as(s.baseUrl()).isTrue());
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create(inventory.baseUrl() + "/q/health/ready"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            System.out.printf(
                    "database restart: PostgreSQL down %d ms under %d REST bulks of %d and %d Kafka registrations;"
                            + " REST answers %s; all %d registrations decided, %d s after the load ended; services never restarted%n",
                    Duration.between(stoppedAt, restartedAt).toMillis(),
                    BULKS,
                    BULK_SIZE,
                    KAFKA_REGISTRATIONS,
                    restStatuses,
                    expected.size(),
                    Duration.between(waitFrom, Instant.now()).toSeconds());
        } finally {
            ServiceProcess.closeAll(services);
        }
    }

    private static void produce(String bootstrap, String run, Set<String> acknowledged, AtomicInteger failed) {
        try (KafkaProducer<String, String> producer = FaultLoad.producer(bootstrap, Map.of())) {
            long started = System.nanoTime();
            for (int i = 0; i < KAFKA_REGISTRATIONS; i++) {
                String id = "pgr-" + run + "-kafka-" + i;
                producer.send(FaultLoad.record(id, i), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(id);
                    } else {
                        failed.incrementAndGet();
                    }
                });
                long due = started + (i + 1) * 20_000_000L; // 50 per second, about as long as the REST load
                LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
            }
            producer.flush();
        }
    }

    /** Shown state of every node whose id holds the text, read through the paged node API. */
    private static Map<String, String> states(HttpClient http, ServiceProcess inventory, String text) throws Exception {
        Map<String, String> states = new java.util.HashMap<>();
        for (int page = 0; ; page++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    inventory.baseUrl() + "/api/v1/nodes?size=500&q=" + text + "&page=" + page))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode items = JSON.readTree(r.body()).get("items");
            items.forEach(n -> states.put(
                    n.get("nodeId").asText(), n.at("/onboarding/state").asText()));
            if (items.size() < 500) {
                return states;
            }
        }
    }
}
