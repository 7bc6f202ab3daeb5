package dev.arcfleet.testsupport;

import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The in-process KRaft broker with authentication and authorization on, as every deployment runs Kafka: the client
 * listener takes SASL_PLAINTEXT with SCRAM-SHA-512 for the users of {@code deploy/k8s/base/kafka-users.yaml}, each
 * with exactly that file's ACLs ({@link KafkaUserAcls}), under {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false}. The test kit's own super user ({@code plain-admin}, SASL/PLAIN) runs
 * the broker and creates topics, users and ACLs. Passwords are random per JVM. One per test JVM, started on first use,
 * besides (never instead of) the unauthenticated {@link LocalKafka}.
 */
public final class ScramKafka {
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The test kit's super user and password (KafkaClusterTestKit's JAAS section for SASL_PLAINTEXT). */
    static final String ADMIN = "plain-admin";

    static final String ADMIN_PASSWORD = "plain-admin-secret";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static ScramKafka instance;

    private final KafkaClusterTestKit kit;
    private final Map<String, String> passwords;
    private final Map<String, List<AclBinding>> acls;

    private ScramKafka(KafkaClusterTestKit kit, Map<String, String> passwords, Map<String, List<AclBinding>> acls) {
        this.kit = kit;
        this.passwords = passwords;
        this.acls = acls;
    }

    /** This JVM's SCRAM broker, started (with its users and ACLs in force) on first call. */
    public static synchronized ScramKafka get() {
        if (instance == null) {
            LocalKafka.keepJvmExitToTheTests();
            Map<String, List<AclBinding>> acls = KafkaUserAcls.read(KafkaUserAcls.file());
            Map<String, String> passwords = new LinkedHashMap<>();
            acls.keySet().forEach(user -> {
                byte[] bytes = new byte[24];
                RANDOM.nextBytes(bytes);
                passwords.put(user, HexFormat.of().formatHex(bytes));
            });
            KafkaClusterTestKit kit = start();
            instance = new ScramKafka(kit, passwords, acls);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalKafka.closeQuietly(kit), "scram-kafka-stop"));
            instance.applyUsers();
        }
        return instance;
    }

    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    /** The users of kafka-users.yaml, in file order. */
    public Set<String> users() {
        return passwords.keySet();
    }

    /** The ACLs of kafka-users.yaml by user, as the broker has them. */
    public Map<String, List<AclBinding>> acls() {
        return acls;
    }

    /** Client settings of {@code user}: bootstrap servers, SASL_PLAINTEXT, SCRAM-SHA-512 and its JAAS line. */
    public Map<String, Object> clientConfig(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        config.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user));
        return config;
    }

    /** Client settings of the super user (SASL/PLAIN): for the tests' own producers, consumers and admin calls. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + ADMIN_PASSWORD + "\";");
        return config;
    }

    /** A Quarkus service's {@code kafka.*} settings to connect as {@code user}, as the deploys set them through KAFKA_* variables. */
    public Map<String, String> quarkusConfig(String user) {
        Map<String, String> config = new HashMap<>();
        clientConfig(user).forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
        return config;
    }

    /** Creates the topics that do not exist yet, as the super user. */
    public void createTopics(Collection<String> topics) {
        LocalKafka.createTopics(adminConfig(), topics);
    }

    /** Sends {@code record} as {@code user} and waits for the broker's answer (an authorization refusal is the cause of the ExecutionException). */
    public RecordMetadata produceAs(String user, ProducerRecord<String, String> record)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, Object> config = new HashMap<>(clientConfig(user));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return producer.send(record).get(45, TimeUnit.SECONDS);
        }
    }

    /** Every record of {@code topic} up to its end at the time of the call, read as the super user. */
    public List<ConsumerRecord<String, String>> records(String topic) {
        Map<String, Object> config = new HashMap<>(adminConfig());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private String jaas(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException(
                    "no Kafka user " + user + " in " + KafkaUserAcls.FILE + "; users: " + users());
        }
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    private static KafkaClusterTestKit start() {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .build();
            String listener = nodes.brokerListenerName().value().toLowerCase(Locale.ROOT);
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            LocalKafka.BROKER_SETTINGS.forEach(builder::setConfigProp);
            KafkaClusterTestKit kit = builder
                    // as in the deploys: topics are created by an administrator, never by a client's first use
                    .setConfigProp("auto.create.topics.enable", "false")
                    // the test kit's PLAIN for itself (inter-broker, controller, super user), SCRAM for the services
                    .setConfigProp("sasl.enabled.mechanisms", "PLAIN," + MECHANISM)
                    .setConfigProp(
                            ListenerName.normalised(listener).saslMechanismConfigPrefix(MECHANISM)
                                    + SaslConfigs.SASL_JAAS_CONFIG,
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the SCRAM KRaft broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the in-process SCRAM KRaft broker did not start", e);
        }
    }

    /** Each user's SCRAM credential and exactly its ACLs; returns once every user can log in and every ACL is in force. */
    private void applyUsers() {
        Map<String, Object> admin = new HashMap<>(adminConfig());
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin client = Admin.create(admin)) {
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            passwords.forEach((user, password) -> credentials.add(new UserScramCredentialUpsertion(
                    user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)));
            client.alterUserScramCredentials(credentials).all().get();
            List<AclBinding> wanted =
                    acls.values().stream().flatMap(List::stream).toList();
            client.createAcls(wanted).all().get();
            await("the ACLs of " + KafkaUserAcls.FILE + " in force")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> client.describeAcls(AclBindingFilter.ANY)
                            .values()
                            .get()
                            .containsAll(wanted));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not give the SCRAM broker the users of " + KafkaUserAcls.FILE, e);
        }
        for (String user : users()) {
            Map<String, Object> config = new HashMap<>(clientConfig(user));
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
            await("user " + user + " can log in")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> {
                        try (Admin client = Admin.create(config)) {
                            return client.describeCluster().clusterId().get() != null;
                        }
                    });
        }
    }
}
