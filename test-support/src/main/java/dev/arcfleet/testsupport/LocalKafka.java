package dev.arcfleet.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * A real single-node KRaft broker in this JVM (Kafka's own test kit), one per test JVM. This is the only class that
 * touches the test kit, so a Kafka upgrade that moves it changes one file.
 */
public final class LocalKafka {
    /** Partitions for topics this class creates; enough to exercise keying, few enough for a 2-core machine. */
    public static final int PARTITIONS = 3;

    private static KafkaClusterTestKit cluster;

    private LocalKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            // At JVM exit the test kit's temp-dir hook can delete the log dirs while the broker is still stopping; the
            // broker then halts the JVM with status 1 and the test run fails after every test passed. A test broker
            // never decides the exit status of the JVM that hosts it.
            Exit.Procedure report = (status, message) -> System.err.printf(
                    "in-process Kafka broker asked to end the JVM with %d (%s); ignored%n", status, message);
            Exit.setHaltProcedure(report);
            Exit.setExitProcedure(report);
            cluster = start();
            Runtime.getRuntime().addShutdownHook(new Thread(LocalKafka::stopQuietly, "local-kafka-stop"));
        }
        return cluster.bootstrapServers();
    }

    /** Creates the topics that do not exist yet. */
    public static void createTopics(Collection<String> topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (String topic : topics) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
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

    private static KafkaClusterTestKit start() {
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", String.valueOf(PARTITIONS))
                    .setConfigProp("auto.create.topics.enable", "true")
                    .build();
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
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("KRaft broker did not stop cleanly: " + e);
            }
            cluster = null;
        }
    }
}
