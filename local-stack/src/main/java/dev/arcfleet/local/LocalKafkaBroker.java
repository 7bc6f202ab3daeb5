package dev.arcfleet.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one process) with authentication and authorization on, the
 * way {@code bin/fleet-local} runs it:
 * <ul>
 * <li>the client listener {@code 127.0.0.1:<port>} takes SASL_PLAINTEXT with SCRAM-SHA-512 only; the controller
 * listener {@code 127.0.0.1:<controller-port>} takes SASL_PLAINTEXT with PLAIN, for the {@code admin} user only (SCRAM
 * credentials live in the metadata log, which a controller cannot read before it runs);</li>
 * <li>{@code StandardAuthorizer}, {@code admin} the only super user, no access without an ACL;</li>
 * <li>{@code admin}'s SCRAM credential is written into the log at format time (in this JVM: the password never
 * reaches a command line); the services' users and their ACLs are added afterwards by {@link KafkaUsers}.</li>
 * </ul>
 * A log directory formatted before authentication was on (no {@code sasl-formatted} marker) is deleted and formatted
 * again: its topics and records are lost, the databases are not touched.
 *
 * <p>Usage: {@code LocalKafkaBroker <dir> <port> <controller-port> <secrets-dir> [partitions]}; runs until stopped.
 */
public final class LocalKafkaBroker {
    private LocalKafkaBroker() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LocalKafkaBroker <dir> <port> <controller-port> <secrets-dir> [partitions]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        KafkaSecrets secrets = new KafkaSecrets(Path.of(args[3]).toAbsolutePath()).ensure();
        int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 6;
        Path config = prepare(dir, port, controllerPort, secrets, partitions);
        kafka.Kafka.main(new String[] {config.toString()});
    }

    /** Writes the configuration (owner-only: it holds the admin password) and formats the log if it is not yet. */
    public static Path prepare(Path dir, int port, int controllerPort, KafkaSecrets secrets, int partitions)
            throws IOException {
        Path data = dir.resolve("data");
        Path marker = dir.resolve("sasl-formatted");
        if (Files.exists(data.resolve("meta.properties")) && !Files.exists(marker)) {
            System.out.println(
                    "kafka: " + data
                            + " was formatted without authentication; formatting it again (its topics and records are dropped)");
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties");
        String admin = secrets.password(KafkaSecrets.ADMIN);
        KafkaSecrets.writePrivate(config, """
                # Written by fleet-local (dev.arcfleet.local.LocalKafkaBroker) on every start; holds the admin password.
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=CLIENT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=CLIENT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=CLIENT
                listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
                listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
                listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="%4$s";
                sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
                listener.name.controller.sasl.enabled.mechanisms=PLAIN
                listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="%4$s" user_admin="%4$s";
                sasl.mechanism.controller.protocol=PLAIN
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                super.users=User:admin
                allow.everyone.if.no.acl.found=false
                log.dirs=%3$s
                num.partitions=%5$d
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=%5$d
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=false
                """.formatted(port, controllerPort, data, admin, partitions));
        if (!Files.exists(data.resolve("meta.properties"))) {
            int rc;
            try {
                rc = StorageTool.execute(
                        new String[] {
                            "format",
                            "--standalone",
                            "-t",
                            Uuid.randomUuid().toString(),
                            "-c",
                            config.toString(),
                            "--add-scram",
                            KafkaSecrets.MECHANISM + "=[name=" + KafkaSecrets.ADMIN + ",password=" + admin + "]"
                        },
                        System.out);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "formatting the KRaft log in " + data + " failed: " + e.getMessage(), e);
            }
            if (rc != 0) {
                throw new IllegalStateException("formatting the KRaft log in " + data + " failed (exit " + rc + ")");
            }
            Files.writeString(marker, "formatted with SASL/SCRAM and the admin super user\n");
        }
        return config;
    }
}
