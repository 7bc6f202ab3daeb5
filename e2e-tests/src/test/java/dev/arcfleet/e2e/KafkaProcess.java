package dev.arcfleet.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A single-node KRaft broker in its own process, started the way {@code bin/fleet-local} starts it (Kafka's own
 * {@code kafka.Kafka} from the local-stack module's classpath), so a test can SIGKILL it and start it again on the
 * same ports and log directory.
 */
final class KafkaProcess implements AutoCloseable {
    private final Path root;
    private final Path dir;
    private final Path log;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaProcess(Path root, Path dir) {
        this.root = root;
        this.dir = dir;
        this.log = dir.resolve("kafka.log");
        this.port = LocalStackJava.freePort();
        this.controllerPort = LocalStackJava.freePort();
    }

    static KafkaProcess start(Path root, Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        KafkaProcess kafka = new KafkaProcess(root, dir);
        kafka.format();
        kafka.launch();
        return kafka;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
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
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private void format() throws Exception {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=3
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=false
                """.formatted(port, controllerPort, dir.resolve("data")));
        Process formatting = java("kafka.tools.StorageTool", "format", "--standalone", "-t", "e2e-restart-cluster-0001",
                "-c", config.toString()).start();
        if (formatting.waitFor() != 0) {
            throw new IllegalStateException("formatting the KRaft log failed: " + Files.readString(log));
        }
    }

    private void launch() throws Exception {
        process = java("kafka.Kafka", dir.resolve("server.properties").toString()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!LocalStackJava.listening(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the broker did not start; its log: " + log);
            }
            Thread.onSpinWait();
            process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        return LocalStackJava.process(root, log, "512m", mainClass, List.of(args));
    }

}
