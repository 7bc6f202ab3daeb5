package dev.arcfleet.local.stack;

import dev.arcfleet.local.CreateTopics;
import dev.arcfleet.local.KafkaSecrets;
import dev.arcfleet.local.KafkaUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * The local KRaft broker ({@link dev.arcfleet.local.LocalKafkaBroker} in its own JVM: SASL/SCRAM-SHA-512, the
 * deploy's users and ACLs), started by the launcher. A test may {@link #kill()} it and {@link #restart()} it on the
 * same ports and log directory. Clients log in with {@link #client(String)}, services with {@link #serviceEnv(String)}.
 */
public final class KafkaNode implements AutoCloseable {
    /** How {@code down} recognises the broker's process (kafka.Kafka: one started by an older fleet-local). */
    static final String[] MARKERS = {"LocalKafkaBroker", "kafka.Kafka"};

    private final Path dir;
    private final KafkaSecrets secrets;
    private final int port;
    private final int controllerPort;
    private final int partitions;
    private final String classpath;
    private final String heap;
    private final Path log;
    private final PidFile pidFile;
    private final boolean detached;
    private Process process;

    /**
     * @param dir the broker's directory (its log directory and configuration go under {@code dir/kafka})
     * @param secretsDir the SCRAM password files and client settings ({@link KafkaSecrets})
     * @param pidFile where the pid is recorded, or null
     * @param detached whether the broker outlives this JVM (bin/fleet-local) or belongs to it (a test)
     */
    public KafkaNode(
            Path dir,
            Path secretsDir,
            int port,
            int controllerPort,
            int partitions,
            String classpath,
            String heap,
            Path log,
            PidFile pidFile,
            boolean detached) {
        this.dir = dir;
        this.secrets = new KafkaSecrets(secretsDir.toAbsolutePath());
        this.port = port;
        this.controllerPort = controllerPort;
        this.partitions = partitions;
        this.classpath = classpath;
        this.heap = heap;
        this.log = log;
        this.pidFile = pidFile;
        this.detached = detached;
    }

    /** A broker for a test: free ports, 3 partitions, under {@code dir}, belonging to this JVM; started with users. */
    public static KafkaNode startForTest(Path root, Path dir) throws Exception {
        KafkaNode kafka = new KafkaNode(
                dir,
                dir.resolve("kafka-auth"),
                Launch.freePort(),
                Launch.freePort(),
                3,
                Launch.localStackClasspath(root),
                "-Xmx512m",
                dir.resolve("kafka.log"),
                null,
                false);
        kafka.start();
        kafka.users(root.resolve("deploy/k8s/base/kafka-users.yaml"));
        return kafka;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Writes the missing passwords, starts the broker and returns once it listens (within 60 s). */
    public void start() {
        start(Duration.ofSeconds(60));
    }

    private void start(Duration ready) {
        secrets.ensure();
        process = Launch.start(
                List.of(
                        Launch.java(),
                        heap,
                        "-cp",
                        classpath,
                        "dev.arcfleet.local.LocalKafkaBroker",
                        dir.resolve("kafka").toString(),
                        String.valueOf(port),
                        String.valueOf(controllerPort),
                        secrets.dir().toString(),
                        String.valueOf(partitions)),
                Map.of(),
                log,
                detached);
        if (pidFile != null) {
            pidFile.record(process.pid());
        }
        Launch.await("kafka", process.toHandle(), () -> Launch.listening(port), ready, log);
    }

    /** The users and ACLs of the deploy's {@code kafka-users.yaml}, set as the super user; a one-line summary. */
    public String users(Path usersYaml) throws Exception {
        var users = KafkaUsers.read(usersYaml);
        try (Admin admin = Admin.create(KafkaUsers.adminProperties(bootstrapServers(), secrets))) {
            KafkaUsers.apply(admin, secrets, users);
        }
        return "kafka users: " + String.join(", ", users.keySet()) + " with the ACLs of " + usersYaml;
    }

    /** Creates the topics of docs/contracts.md that are missing; a one-line summary. */
    public String createTopics() throws Exception {
        return CreateTopics.create(bootstrapServers(), secrets.clientProperties(KafkaSecrets.ADMIN));
    }

    /**
     * Client settings of a user of kafka-users.yaml ({@code fleet-device}, ...) or of the super user {@code admin}:
     * bootstrap, security protocol, mechanism and JAAS line.
     */
    public Map<String, Object> client(String user) {
        Map<String, Object> config = new HashMap<>();
        secrets.clientProperties(user).forEach((k, v) -> config.put((String) k, v));
        config.put("bootstrap.servers", bootstrapServers());
        return config;
    }

    /** The environment that makes {@code <service>-service} log in as its own user. */
    public Map<String, String> serviceEnv(String service) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                bootstrapServers(),
                "KAFKA_SECURITY_PROTOCOL",
                KafkaSecrets.PROTOCOL,
                "KAFKA_SASL_MECHANISM",
                KafkaSecrets.MECHANISM,
                "KAFKA_SASL_JAAS_CONFIG",
                secrets.jaas("fleet-" + service));
    }

    public OptionalLong pid() {
        return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    /** SIGKILL: no shutdown hook, no flush; what the broker had not fsynced is the broker's to recover. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /**
     * Starts it again on the same ports and log directory, waiting up to 2 minutes: after a SIGKILL the broker recovers
     * its logs first, which on a loaded 2-core machine once took 51 s before the controller even activated (3.5 s on
     * an idle one), beyond the 60 s a first start is given.
     */
    public void restart() {
        start(Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            PidFile.terminate(process.toHandle(), Duration.ofSeconds(30));
        }
        if (pidFile != null) {
            pidFile.clear();
        }
    }
}
