package dev.arcfleet.e2e;

import dev.arcfleet.contracts.Topics;
import dev.arcfleet.local.stack.ServiceProcess;
import dev.arcfleet.testsupport.LocalAdminToken;
import dev.arcfleet.testsupport.LocalKafka;
import dev.arcfleet.testsupport.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three packaged services as processes on the test JVM's KRaft broker and PostgreSQL, each with its own database
 * ({@code <service>_<suffix>}), the executor in dry-run. Logs under {@link #logDir}.
 */
final class Pipeline implements AutoCloseable {
    static final List<String> SERVICE_NAMES = List.of("inventory", "planner", "executor");

    final Path root;
    final Path logs;
    /** Environment of each service by short name, for restarts. */
    final Map<String, Map<String, String>> env = new HashMap<>();
    /** inventory, planner, executor: tests may replace an entry when they restart one. */
    final List<ServiceProcess> services = new ArrayList<>();

    private Pipeline() {
        root = Path.of(System.getProperty("fleet.root", "..")).toAbsolutePath().normalize();
        logs = Pipeline.logDir(root);
    }

    /**
     * Where this test JVM's services write their logs: {@code e2e-tests/target/e2e-logs/<test class>}, the class being
     * the {@code *IT} that is starting them (failsafe runs one class per JVM, two JVMs at once), so two classes never
     * write into one file and a failed class's logs are found by its name.
     */
    static Path logDir(Path root) {
        String test = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(f -> f.getDeclaringClass().getSimpleName())
                        .filter(name -> name.endsWith("IT"))
                        .reduce((first, next) -> next))
                .orElse("pid-" + ProcessHandle.current().pid());
        return root.resolve("e2e-tests/target/e2e-logs").resolve(test);
    }

    static Pipeline start(String databaseSuffix) {
        return start(databaseSuffix, Map.of());
    }

    /** As {@link #start(String)}, with {@code extraEnv} (service short name to variables) added to a service's. */
    static Pipeline start(String databaseSuffix, Map<String, Map<String, String>> extraEnv) {
        Pipeline pipeline = new Pipeline();
        String bootstrap = LocalKafka.bootstrapServers();
        List<String> topics = new ArrayList<>(Topics.MAIN);
        Topics.MAIN.forEach(t -> topics.add(Topics.deadLetter(t)));
        LocalKafka.createTopics(topics);
        // the services' own token: inventory answers token introspection only to it (and to admins)
        java.nio.file.Path serviceToken;
        try {
            serviceToken = java.nio.file.Files.createTempFile("service-token-", ".txt");
            java.nio.file.Files.writeString(serviceToken, "afo_e2e-service-" + java.util.UUID.randomUUID() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String service : SERVICE_NAMES) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    bootstrap,
                    "QUARKUS_DATASOURCE_JDBC_URL",
                    LocalPostgres.database(service + "_" + databaseSuffix),
                    "QUARKUS_DATASOURCE_USERNAME",
                    LocalPostgres.USER,
                    "QUARKUS_DATASOURCE_PASSWORD",
                    "",
                    "EXECUTOR_MODE",
                    "dry-run",
                    "EXECUTOR_AGENTS_CUSTOM_LOCATIONS_OBJECT_ID",
                    "00000000-0000-0000-0000-0000000dc10c",
                    LocalAdminToken.ENV,
                    LocalAdminToken.file(),
                    "FLEET_AUTH_SERVICE_TOKEN_FILE",
                    serviceToken.toString()));
            if (!pipeline.services.isEmpty()) {
                // planner and executor check tokens with inventory, which starts first
                env.put("FLEET_AUTH_INTROSPECTION_URL", pipeline.inventory().baseUrl() + "/api/v1/tokens/introspect");
            }
            env.putAll(extraEnv.getOrDefault(service, Map.of()));
            pipeline.env.put(service, Map.copyOf(env));
            pipeline.services.add(ServiceProcess.start(
                    pipeline.root, service + "-service", pipeline.env.get(service), pipeline.logs));
        }
        try {
            pipeline.services.forEach(s -> s.awaitReady(Duration.ofSeconds(90)));
        } catch (RuntimeException e) {
            pipeline.close(); // a service that did not come up must not leave the others running
            throw e;
        }
        return pipeline;
    }

    ServiceProcess inventory() {
        return services.get(0);
    }

    ServiceProcess planner() {
        return services.get(1);
    }

    @Override
    public void close() {
        ServiceProcess.closeAll(services);
    }
}
