package dev.arcfleet.e2e;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker in its own process, started the way {@code bin/fleet-local} starts it (local-stack's
 * {@code LocalKafkaBroker}: SASL/SCRAM-SHA-512 only, StandardAuthorizer, the users and ACLs of
 * {@code deploy/k8s/base/kafka-users.yaml} set by local-stack's {@code KafkaUsers}), so a test can SIGKILL it and
 * start it again on the same ports and log directory. Clients log in with {@link #client(String)}, services with
 * {@link #serviceEnv(String)}.
 */
final class KafkaProcess implements AutoCloseable {
    private final Path root;
    private final Path dir;
    private final Path secrets;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaProcess(Path root, Path dir) {
        this.root = root;
        this.dir = dir;
        this.secrets = dir.resolve("kafka-auth");
        this.log = dir.resolve("kafka.log");
        this.port = LocalStackJava.freePort();
        this.controllerPort = LocalStackJava.freePort();
    }

    static KafkaProcess start(Path root, Path dir) throws Exception {
        Files.createDirectories(dir);
        KafkaProcess kafka = new KafkaProcess(root, dir);
        kafka.launch();
        kafka.users();
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Client settings of a user of kafka-users.yaml ({@code fleet-device}, {@code fleet-inventory}, ...) or of the
     * super user {@code admin}: bootstrap, security protocol, mechanism and JAAS line.
     */
    Map<String, Object> client(String user) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(secrets.resolve(user + ".properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Object> config = new HashMap<>();
        props.stringPropertyNames().forEach(k -> config.put(k, props.getProperty(k)));
        config.put("bootstrap.servers", bootstrapServers());
        return config;
    }

    /** The environment that makes {@code <service>-service} log in as its own user, as bin/fleet-local sets it. */
    Map<String, String> serviceEnv(String service) {
        try {
            return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "KAFKA_SASL_JAAS_CONFIG", Files.readString(secrets.resolve("fleet-" + service + ".jaas")).strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush; what the broker had not fsynced is the broker's to recover. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    void restart() throws Exception {
        launch();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private void users() throws Exception {
        Process users = java("dev.arcfleet.local.KafkaUsers", bootstrapServers(), secrets.toString(),
                root.resolve("deploy/k8s/base/kafka-users.yaml").toString()).start();
        if (!users.waitFor(90, TimeUnit.SECONDS) || users.exitValue() != 0) {
            users.destroyForcibly();
            throw new IllegalStateException("creating the Kafka users and ACLs failed; log: " + log);
        }
    }

    private void launch() throws Exception {
        process = java("dev.arcfleet.local.LocalKafkaBroker", dir.resolve("kafka").toString(), String.valueOf(port),
                String.valueOf(controllerPort), secrets.toString(), "3").start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!LocalStackJava.listening(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the broker did not start; its log: " + log);
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        return LocalStackJava.process(root, log, "512m", mainClass, List.of(args));
    }
}
