package dev.arcfleet.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings for the benchmarks: the given ones plus, when the system property
 * {@code bench.kafka.properties} names a file that exists, its settings (the local stack's broker authenticates with
 * SASL/SCRAM, and {@code bin/fleet-bench} points it at the super user's {@code .local/kafka-auth/admin.properties}).
 */
final class BenchKafka {
    private BenchKafka() {}

    static Map<String, Object> config(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        String file = System.getProperty("bench.kafka.properties");
        if (file != null && Files.isRegularFile(Path.of(file))) {
            Properties auth = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file))) {
                auth.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Kafka client settings " + file, e);
            }
            auth.stringPropertyNames().forEach(name -> config.put(name, auth.getProperty(name)));
        }
        return config;
    }
}
