package dev.arcfleet.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arcfleet.contracts.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local broker as {@code bin/fleet-local} runs it ({@link LocalKafkaBroker} in its own JVM, users and ACLs from
 * deploy/k8s/base/kafka-users.yaml by {@link KafkaUsers}): each identity can do what the deploy grants it and nothing
 * else, and a client without credentials, or with wrong ones, gets nowhere.
 */
class KafkaAuthorizationTest {
    private static final Path USERS_YAML = Path.of("..", "deploy", "k8s", "base", "kafka-users.yaml");
    private static Path dir;
    private static Process broker;
    private static String bootstrap;
    private static KafkaSecrets secrets;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("kafka-auth-test");
        int port = freePort();
        int controllerPort = freePort();
        bootstrap = "127.0.0.1:" + port;
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        broker = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        classpath,
                        LocalKafkaBroker.class.getName(),
                        dir.resolve("kafka").toString(),
                        String.valueOf(port),
                        String.valueOf(controllerPort),
                        dir.resolve("kafka-auth").toString(),
                        "1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("kafka.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!listening(port)) {
            assertThat(broker.isAlive()).as("broker alive; log:\n%s", log()).isTrue();
            assertThat(Instant.now())
                    .as("broker listening within 90 s; log:\n%s", log())
                    .isBefore(deadline);
            broker.waitFor(200, TimeUnit.MILLISECONDS);
        }
        secrets = new KafkaSecrets(dir.resolve("kafka-auth"));
        try (Admin admin = Admin.create(KafkaUsers.adminProperties(bootstrap, secrets))) {
            KafkaUsers.apply(admin, secrets, KafkaUsers.read(USERS_YAML));
        }
        CreateTopics.main(new String[] {
            bootstrap, dir.resolve("kafka-auth/admin.properties").toString()
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void secretsAreOwnerOnlyAndNeverOnTheBrokersCommandLine() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("kafka-auth"))))
                .isEqualTo("rwx------");
        String commandLine = String.join(" ", broker.info().arguments().orElse(new String[0]))
                + Files.readString(Path.of("/proc", String.valueOf(broker.pid()), "cmdline"))
                        .replace('\0', ' ');
        for (String user : KafkaSecrets.all()) {
            assertThat(PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve("kafka-auth/" + user + ".password"))))
                    .isEqualTo("rw-------");
            assertThat(commandLine).doesNotContain(secrets.password(user));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("kafka/server.properties"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aDeviceWritesRegistrationsOnly() throws Exception {
        try (KafkaProducer<String, String> device = producer(secrets.clientProperties("fleet-device"))) {
            assertThat(send(device, Topics.REGISTRATIONS)).isNull();
            assertThat(send(device, "onboarding.plans.arc-k8s")).isInstanceOf(TopicAuthorizationException.class);
            assertThat(send(device, "onboarding.status")).isInstanceOf(TopicAuthorizationException.class);
            assertThat(send(device, "fleet.nodes")).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void onlyThePlannerWritesPlansAndOnlyPlannerAndExecutorWriteStatus() throws Exception {
        try (KafkaProducer<String, String> executor = producer(secrets.clientProperties("fleet-executor"));
                KafkaProducer<String, String> planner = producer(secrets.clientProperties("fleet-planner"))) {
            for (String plans : List.of(
                    "onboarding.plans.arc-k8s", "onboarding.plans.companion-vm", "onboarding.plans.iot-operations")) {
                assertThat(send(executor, plans))
                        .as("executor on %s", plans)
                        .isInstanceOf(TopicAuthorizationException.class);
                assertThat(send(planner, plans)).as("planner on %s", plans).isNull();
            }
            assertThat(send(executor, "onboarding.status")).isNull();
            assertThat(send(planner, "onboarding.status")).isNull();
            assertThat(send(executor, Topics.REGISTRATIONS)).isInstanceOf(TopicAuthorizationException.class);
            assertThat(send(planner, "fleet.nodes")).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theUsersAndAclsAreThoseOfTheKubernetesDeploy() throws Exception {
        Map<String, List<AclBinding>> wanted = KafkaUsers.read(USERS_YAML);
        assertThat(wanted.keySet()).containsExactlyElementsOf(KafkaSecrets.USERS);
        try (Admin admin = Admin.create(KafkaUsers.adminProperties(bootstrap, secrets))) {
            assertThat(admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                            .values()
                            .get())
                    .containsExactlyInAnyOrderElementsOf(
                            wanted.values().stream().flatMap(List::stream).toList());
        }
    }

    @Test
    void noCredentialsOrWrongOnesGetNowhere() {
        Properties anonymous = new Properties();
        anonymous.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        anonymous.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        anonymous.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get()).isInstanceOf(ExecutionException.class);
        }
        Properties wrong = secrets.clientProperties("fleet-device");
        wrong.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleet-device\" password=\"not-the-password\";");
        try (KafkaProducer<String, String> impostor = producer(wrong)) {
            assertThat(send(impostor, Topics.REGISTRATIONS)).isInstanceOf(SaslAuthenticationException.class);
        } catch (Exception e) {
            assertThat(e).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static KafkaProducer<String, String> producer(Properties security) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** null when the broker took the record, else why not. */
    private static Throwable send(KafkaProducer<String, String> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, "key", "{}")).get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("kafka.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
