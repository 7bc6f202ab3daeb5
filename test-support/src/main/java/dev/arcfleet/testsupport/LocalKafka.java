package dev.arcfleet.testsupport;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The tests' single-node Kafka broker without authentication, one per test JVM: a Testcontainers broker or a real
 * KRaft broker in this JVM (Kafka's own test kit), as {@link KafkaBackend} picks. This and {@link ScramKafka} are the
 * only classes that touch the test kit, so a Kafka upgrade that moves it changes two files.
 */
public final class LocalKafka {
    /** Partitions for topics this class creates; enough to exercise keying, few enough for a 2-core machine. */
    public static final int PARTITIONS = 3;

    /** Broker settings of every test broker, in-process or in a container. */
    static final Map<String, String> BROKER_SETTINGS = brokerSettings();

    private static KafkaClusterTestKit cluster;
    private static KafkaContainer container;
    private static KafkaBackend backend;
    private static boolean exitGuarded;

    private LocalKafka() {}

    /** The broker of this JVM's {@link KafkaBackend}, started on first call. */
    public static synchronized String bootstrapServers() {
        if (backend == null) {
            KafkaBackend chosen = KafkaBackend.fromSwitch();
            if (chosen == KafkaBackend.TESTCONTAINERS) {
                container = startContainer();
                Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "local-kafka-stop"));
            } else {
                keepJvmExitToTheTests();
                cluster = start();
                Runtime.getRuntime().addShutdownHook(new Thread(LocalKafka::stopQuietly, "local-kafka-stop"));
            }
            backend = chosen;
        }
        return backend == KafkaBackend.TESTCONTAINERS ? container.getBootstrapServers() : cluster.bootstrapServers();
    }

    /** Which broker {@link #bootstrapServers()} started, or {@code null} before it was called. */
    public static synchronized KafkaBackend backend() {
        return backend;
    }

    /** Creates the topics that do not exist yet. */
    public static void createTopics(Collection<String> topics) {
        createTopics(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), topics);
    }

    /** Creates the topics that do not exist yet with an admin client of {@code adminConfig}. */
    static void createTopics(Map<String, Object> adminConfig, Collection<String> topics) {
        try (Admin admin = Admin.create(adminConfig)) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                            .all()
                            .get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + topic, e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * At JVM exit the test kit's temp-dir hook can delete the log dirs while the broker is still stopping; the broker
     * then halts the JVM with status 1 and the test run fails after every test passed. A test broker never decides
     * the exit status of the JVM that hosts it.
     */
    static synchronized void keepJvmExitToTheTests() {
        if (!exitGuarded) {
            Exit.Procedure report = (status, message) -> System.err.printf(
                    "in-process Kafka broker asked to end the JVM with %d (%s); ignored%n", status, message);
            Exit.setHaltProcedure(report);
            Exit.setExitProcedure(report);
            exitGuarded = true;
        }
    }

    private static Map<String, String> brokerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("num.partitions", String.valueOf(PARTITIONS));
        settings.put("auto.create.topics.enable", "true");
        return Map.copyOf(settings);
    }

    private static KafkaContainer startContainer() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KafkaBackend.IMAGE));
        // the apache/kafka image reads KAFKA_<SETTING> with '.' as '_'
        BROKER_SETTINGS.forEach((key, value) ->
                kafka.withEnv("KAFKA_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        kafka.start();
        return kafka;
    }

    private static KafkaClusterTestKit start() {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BROKER_SETTINGS.forEach(builder::setConfigProp);
            KafkaClusterTestKit kit = builder.build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return kit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the KRaft broker", e);
        } catch (Exception e) {
            throw new IllegalStateException("the in-process KRaft broker did not start", e);
        }
    }

    private static synchronized void stopQuietly() {
        if (cluster != null) {
            closeQuietly(cluster);
            cluster = null;
        }
    }

    static void closeQuietly(KafkaClusterTestKit kit) {
        try {
            kit.close();
        } catch (Exception e) {
            System.err.println("KRaft broker did not stop cleanly: " + e);
        }
    }
}
