package dev.arcfleet.local.stack;

import dev.arcfleet.local.CreateDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The local stack of {@code bin/fleet-local}: Kafka (SASL/SCRAM, the deploy's users and ACLs), PostgreSQL (or
 * {@code FLEET_DB_URL}'s), the topics, the databases, the local admin and service tokens and the three packaged
 * services, each a process of its own that outlives the command. State lives in {@code .local/} (or
 * {@code FLEET_LOCAL_HOME}): data, Kafka passwords, tokens, logs and one pid file per process, and {@link #down} stops
 * exactly the processes whose pid files still name the program started.
 */
public final class LocalStack {
    public static final int KAFKA_PORT = 9092;
    public static final int CONTROLLER_PORT = 9093;
    public static final int PG_PORT = 54320;
    /** The services in start order, with their ports. */
    public static final Map<String, Integer> SERVICES = orderedPorts();
    /** A stand-in for the onboarding service principal's application id, named in the demo's hand-off kits. */
    static final String LOCAL_ONBOARDING_SP = "00000000-0000-4000-8000-0000000000a1";
    /** A stand-in for the Custom Locations service principal's object id, so a dry run shows the IoT agents' values. */
    static final String DRY_RUN_OID = "00000000-0000-0000-0000-0000000dc10c";

    static final String DEFAULT_JAVA_OPTS = "-Xms64m -Xmx384m -XX:+UseSerialGC";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Path state;
    private final Map<String, String> env;

    /**
     * @param root the checkout (its modules' {@code target/} hold the jars)
     * @param env the environment read: FLEET_LOCAL_HOME, FLEET_DB_URL, FLEET_DB_USER, FLEET_DB_PASSWORD,
     *            EXECUTOR_MODE, FLEET_JAVA_OPTS and the services' settings it passes on
     */
    public LocalStack(Path root, Map<String, String> env) {
        this.root = root.toAbsolutePath().normalize();
        this.env = Map.copyOf(env);
        String home = env.get("FLEET_LOCAL_HOME");
        this.state = home == null || home.isBlank()
                ? this.root.resolve(".local")
                : Path.of(home).toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path state() {
        return state;
    }

    public Path pids() {
        return state.resolve("pids");
    }

    public Path logs() {
        return state.resolve("logs");
    }

    public Path adminToken() {
        return state.resolve("admin-token");
    }

    /** The admin token as a curl header file ({@code -H @file}), so it is never on a command line. */
    public Path adminHeader() {
        return state.resolve("admin-header");
    }

    /** The services' own token: inventory answers token introspection only to it (and to admins). */
    public Path serviceToken() {
        return state.resolve("service-token");
    }

    public Path kafkaAuth() {
        return state.resolve("kafka-auth");
    }

    public static String baseUrl(String service) {
        Integer port = SERVICES.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no service " + service + "; the services: " + SERVICES.keySet());
        }
        return "http://127.0.0.1:" + port;
    }

    /** Starts what is not running yet and returns once every service is ready. */
    public void up(Consumer<String> out) {
        try {
            Files.createDirectories(pids());
            Files.createDirectories(logs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ensureTokens(out);
        startKafka(out);
        startPostgres(out);
        for (String s : SERVICES.keySet()) {
            startService(s, Map.of(), out);
        }
        for (String s : SERVICES.keySet()) {
            awaitReady(s, out);
        }
    }

    /** Stops, in reverse order, every process whose pid file still names what was started; removes the pid files. */
    public void down(Consumer<String> out) {
        if (!Files.isDirectory(pids())) {
            out.accept("nothing to stop");
            return;
        }
        List<String> services = new ArrayList<>(SERVICES.keySet());
        java.util.Collections.reverse(services);
        services.forEach(s -> stopService(s, out));
        stop("kafka", kafkaPid(), out);
        stop("postgresql", postgresPid(), out);
        // the postmaster outlives its launcher only if that was killed hard; stop it by its own pid file
        stop("postmaster", postmasterPid(), out);
    }

    /** Each process of the stack by name, with its pid when it runs and is still what was started. */
    public Map<String, OptionalLong> processes() {
        Map<String, OptionalLong> all = new LinkedHashMap<>();
        all.put("kafka", kafkaPid().ours());
        all.put("postgresql", env("FLEET_DB_URL").isEmpty() ? postgresPid().ours() : OptionalLong.empty());
        SERVICES.keySet().forEach(s -> all.put(s, servicePid(s).ours()));
        return all;
    }

    /** The admin token, the curl header file holding it and the services' token: written once, owner-only. */
    public void ensureTokens(Consumer<String> out) {
        try {
            Files.createDirectories(state);
            if (writeTokenIfMissing(adminToken())) {
                out.accept("admin token   written to " + adminToken()
                        + " (git-ignored; send it as 'Authorization: Bearer <token>' for writes)");
            }
            writeTokenIfMissing(serviceToken());
            if (!Files.isRegularFile(adminHeader())
                    || Files.size(adminHeader()) == 0
                    || Files.getLastModifiedTime(adminHeader()).compareTo(Files.getLastModifiedTime(adminToken()))
                            < 0) {
                writePrivate(adminHeader(), "Authorization: Bearer " + readToken(adminToken()) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String readToken(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void startKafka(Consumer<String> out) {
        PidFile pid = kafkaPid();
        if (pid.ours().isPresent()) {
            out.accept("kafka       already running (pid " + pid.ours().getAsLong() + ")");
        } else {
            refuseTaken(
                    KAFKA_PORT,
                    "port " + KAFKA_PORT + " is taken by another process; stop it, or it is not the"
                            + " broker fleet-local started");
            refuseTaken(
                    CONTROLLER_PORT, "port " + CONTROLLER_PORT + " (the KRaft controller) is taken by another process");
            KafkaNode kafka = kafkaNode();
            kafka.start();
            out.accept("kafka       started on 127.0.0.1:" + KAFKA_PORT + ", SASL/SCRAM-SHA-512 (pid "
                    + kafka.pid().orElse(-1) + ")");
        }
        try {
            KafkaNode kafka = kafkaNode();
            out.accept(kafka.users(root.resolve("deploy/k8s/base/kafka-users.yaml")));
            out.accept(kafka.createTopics());
        } catch (Exception e) {
            throw new StackException(
                    "creating the Kafka users, ACLs and topics failed: " + e.getMessage() + " (broker log: "
                            + logs().resolve("kafka.log") + ")",
                    e);
        }
    }

    void startPostgres(Consumer<String> out) {
        String external = env("FLEET_DB_URL");
        if (!external.isEmpty()) {
            try {
                CreateDatabases.create(external, dbUser(), env("FLEET_DB_PASSWORD"), List.copyOf(SERVICES.keySet()))
                        .forEach(out);
            } catch (SQLException e) {
                throw new StackException(
                        "cannot prepare databases on FLEET_DB_URL=" + external + ": " + e.getMessage(), e);
            }
            out.accept("postgresql  using " + external);
            return;
        }
        PidFile pid = postgresPid();
        if (pid.ours().isPresent()) {
            out.accept("postgresql  already running (pid " + pid.ours().getAsLong() + ")");
            return;
        }
        refuseTaken(
                PG_PORT,
                "port " + PG_PORT + " is taken by another process; stop it or set FLEET_DB_URL to use"
                        + " that PostgreSQL");
        PostgresNode pg = new PostgresNode(
                state.resolve("postgres/data"),
                pids().resolve("postmaster.pid"),
                PG_PORT,
                List.copyOf(SERVICES.keySet()),
                Launch.localStackClasspath(root),
                logs().resolve("postgres.log"),
                pid,
                true);
        pg.start();
        out.accept("postgresql  started on 127.0.0.1:" + PG_PORT + " (pid "
                + pg.pid().orElse(-1) + ")");
    }

    /** Starts {@code service} unless it already runs, with {@code extraEnv} added (e.g. a channel turned off). */
    public void startService(String service, Map<String, String> extraEnv, Consumer<String> out) {
        PidFile pid = servicePid(service);
        if (pid.ours().isPresent()) {
            out.accept(String.format(
                    "%-11s already running (pid %d)", service, pid.ours().getAsLong()));
            return;
        }
        int port = SERVICES.get(service);
        refuseTaken(port, "port " + port + " (" + service + "-service) is taken by another process");
        Path jaas = kafkaAuth().resolve("fleet-" + service + ".jaas");
        if (!Files.isRegularFile(jaas)) {
            throw new StackException("no Kafka credentials in " + jaas + ": bin/fleet-local up writes them");
        }
        Map<String, String> serviceEnv = serviceEnv(service);
        serviceEnv.putAll(extraEnv);
        String opts = env("FLEET_JAVA_OPTS");
        List<String> jvmOptions =
                List.of((opts.isEmpty() ? DEFAULT_JAVA_OPTS : opts).trim().split("\\s+"));
        Process process =
                ServiceProcess.launch(serviceJar(service), jvmOptions, serviceEnv, port, serviceLog(service), true);
        pid.record(process.pid());
    }

    /** Returns once {@code service} answers ready on /q/health/ready (within 120 s). */
    public void awaitReady(String service, Consumer<String> out) {
        OptionalLong pid = servicePid(service).ours();
        if (pid.isEmpty()) {
            throw new StackException(service + "-service is not running (log: " + serviceLog(service) + ")"
                    + Launch.tail(serviceLog(service)));
        }
        ProcessHandle handle = ProcessHandle.of(pid.getAsLong()).orElseThrow();
        Launch.await(service + "-service", handle, () -> ready(service), Duration.ofSeconds(120), serviceLog(service));
        out.accept(String.format(
                "%-11s ready   %s  (pid %d, log %s)", service, baseUrl(service), pid.getAsLong(), serviceLog(service)));
    }

    /** Stops {@code service} if it runs as started; removes its pid file. */
    public void stopService(String service, Consumer<String> out) {
        stop(service + "-service", servicePid(service), out);
    }

    boolean ready(String service) {
        return ServiceProcess.ready(baseUrl(service));
    }

    /** The environment of a service: its Kafka user (the JAAS line through the environment, not argv), its database. */
    Map<String, String> serviceEnv(String service) {
        Map<String, String> e = new HashMap<>(kafkaNode().serviceEnv(service));
        String external = env("FLEET_DB_URL");
        e.put(
                "QUARKUS_DATASOURCE_JDBC_URL",
                external.isEmpty()
                        ? "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/" + service
                        : external.replaceAll("/+$", "") + "/" + service);
        e.put("QUARKUS_DATASOURCE_USERNAME", dbUser());
        e.put("QUARKUS_DATASOURCE_PASSWORD", env("FLEET_DB_PASSWORD"));
        String mode = env("EXECUTOR_MODE").isEmpty() ? "dry-run" : env("EXECUTOR_MODE");
        e.put("EXECUTOR_MODE", mode);
        e.put(
                "EXECUTOR_AGENTS_CUSTOM_LOCATIONS_OBJECT_ID",
                orDefault("EXECUTOR_AGENTS_CUSTOM_LOCATIONS_OBJECT_ID", mode.equals("dry-run") ? DRY_RUN_OID : ""));
        e.put(
                "PLANNER_HANDOFF_SERVICE_PRINCIPAL_ID",
                orDefault("PLANNER_HANDOFF_SERVICE_PRINCIPAL_ID", LOCAL_ONBOARDING_SP));
        e.put("FLEET_AUTH_ADMIN_TOKEN_FILE", adminToken().toString());
        e.put("FLEET_AUTH_SERVICE_TOKEN_FILE", serviceToken().toString());
        e.put("FLEET_AUTH_INTROSPECTION_URL", baseUrl("inventory") + "/api/v1/tokens/introspect");
        return e;
    }

    Path serviceJar(String service) {
        return ServiceProcess.jar(root, service + "-service");
    }

    Path serviceLog(String service) {
        return logs().resolve(service + "-service.log");
    }

    PidFile servicePid(String service) {
        return new PidFile(pids().resolve(service + ".pid"), service + "-service/target/quarkus-app/quarkus-run.jar");
    }

    PidFile kafkaPid() {
        return new PidFile(pids().resolve("kafka.pid"), KafkaNode.MARKERS);
    }

    PidFile postgresPid() {
        return new PidFile(pids().resolve("postgres.pid"), PostgresNode.MARKER);
    }

    PidFile postmasterPid() {
        return new PidFile(pids().resolve("postmaster.pid"), "postgres");
    }

    private KafkaNode kafkaNode() {
        return new KafkaNode(
                state,
                kafkaAuth(),
                KAFKA_PORT,
                CONTROLLER_PORT,
                6,
                Launch.localStackClasspath(root),
                "-Xmx768m",
                logs().resolve("kafka.log"),
                kafkaPid(),
                true);
    }

    private static void stop(String name, PidFile pid, Consumer<String> out) {
        pid.stop(Duration.ofSeconds(30)).ifPresent(p -> out.accept("stopped " + name + " (pid " + p + ")"));
    }

    private static void refuseTaken(int port, String message) {
        if (Launch.listening(port)) {
            throw new StackException(message);
        }
    }

    private String dbUser() {
        return orDefault("FLEET_DB_USER", "postgres");
    }

    private String env(String name) {
        String v = env.get(name);
        return v == null ? "" : v;
    }

    private String orDefault(String name, String fallback) {
        return env(name).isEmpty() ? fallback : env(name);
    }

    private static boolean writeTokenIfMissing(Path file) throws IOException {
        if (Files.isRegularFile(file) && Files.size(file) > 0) {
            return false;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        writePrivate(file, "afo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n");
        return true;
    }

    private static void writePrivate(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> orderedPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("inventory", 8081);
        ports.put("planner", 8082);
        ports.put("executor", 8083);
        return java.util.Collections.unmodifiableMap(ports);
    }
}
