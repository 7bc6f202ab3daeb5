package dev.arcfleet.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.arcfleet.contracts.Capability;
import dev.arcfleet.contracts.OnboardingPlan;
import dev.arcfleet.contracts.Route;
import dev.arcfleet.contracts.Target;
import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.PlanRecords;
import dev.arcfleet.testsupport.arm.ArmEmulator;
import dev.arcfleet.testsupport.arm.LiveExecutorEnvironment;
import dev.arcfleet.testsupport.kube.MockClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the e2e tests of packaged live executors share: the plan topics, the environment of an executor against the ARM
 * emulator and mock clusters, starting one, sending plans and reading an execution or a metric back over HTTP.
 */
final class LiveExecutors {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private LiveExecutors() {}

    /** The three plan topics, their dead letters and the status topic. */
    static void createTopics() {
        LocalKafka.createTopics(List.of(
                Topics.PLANS_ARC_K8S,
                Topics.PLANS_COMPANION_VM,
                Topics.PLANS_IOT_OPERATIONS,
                Topics.STATUS,
                Topics.deadLetter(Topics.PLANS_ARC_K8S),
                Topics.deadLetter(Topics.PLANS_COMPANION_VM),
                Topics.deadLetter(Topics.PLANS_IOT_OPERATIONS)));
    }

    /**
     * A live executor's environment: database {@code database}, subscription {@code subscription}, resource group
     * {@code run}, a bearer token and a service principal file written to {@code dir}, 8 workers, a 4 s lease (a
     * killed worker's execution is taken over soon) and a 300 ms ARM poll interval.
     */
    static Map<String, String> env(
            ArmEmulator arm, MockClusters clusters, Path dir, String database, String subscription, String run)
            throws Exception {
        Path token = Files.writeString(dir.resolve("arm-token"), database + "-token-" + UUID.randomUUID());
        Path principal = Files.writeString(
                dir.resolve("principal.json"),
                "{\"tenantId\":\"t-1\",\"clientId\":\"c-1\"," + "\"clientSecret\":\"s-" + UUID.randomUUID() + "\"}");
        Map<String, String> env = LiveExecutorEnvironment.of(arm, clusters, database, subscription, run, token);
        env.put("EXECUTOR_WORKERS", "8");
        env.put("EXECUTOR_LEASE", "4s");
        env.put("EXECUTOR_AZURE_POLL_INTERVAL", "300ms");
        env.put("EXECUTOR_ONBOARDING_PRINCIPAL_FILE", principal.toString());
        return env;
    }

    /** Starts the packaged executor with {@code env} and waits until it is ready (90 s at most). */
    static ServiceProcess start(Map<String, String> env) {
        return start(env, Duration.ofSeconds(90));
    }

    /** Starts the packaged executor with {@code env} and waits until it is ready; one not ready in time is stopped. */
    static ServiceProcess start(Map<String, String> env, Duration timeout) {
        Path root =
                Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        ServiceProcess process = ServiceProcess.start(root, "executor-service", env, Pipeline.logDir(root));
        try {
            return process.awaitReady(timeout);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    static OnboardingPlan plan(
            Route route, Target target, List<Capability> capabilities, Map<String, String> parameters, String policy) {
        return new OnboardingPlan(
                UUID.randomUUID().toString(),
                "corr-" + UUID.randomUUID(),
                Instant.now(),
                UUID.randomUUID().toString(),
                "r1",
                route,
                target,
                List.of(target.id()),
                capabilities,
                List.of(),
                null,
                policy,
                parameters);
    }

    /** Sends ARC_K8S and COMPANION_VM plans to their topics, in order. */
    static void publish(List<OnboardingPlan> plans) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (OnboardingPlan plan : plans) {
                String topic = plan.route() == Route.ARC_K8S ? Topics.PLANS_ARC_K8S : Topics.PLANS_COMPANION_VM;
                producer.send(PlanRecords.of(topic, plan, JSON.writeValueAsString(plan)))
                        .get();
            }
        }
    }

    /** The executor's view of the plan's execution, or {@code {"status": <code>}} when it answers otherwise. */
    static JsonNode execution(ServiceProcess executor, String planId) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(executor.baseUrl() + "/api/v1/executions/" + planId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200
                ? JSON.readTree(r.body())
                : JSON.createObjectNode().put("status", r.statusCode());
    }

    /** The sum of one metric's series on the executor's Prometheus endpoint whose labels contain {@code labels}. */
    static double metric(ServiceProcess executor, String name, String labels) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(executor.baseUrl() + "/q/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + r.statusCode());
        }
        return r.body()
                .lines()
                .filter(l -> l.startsWith(name + "{") && l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
