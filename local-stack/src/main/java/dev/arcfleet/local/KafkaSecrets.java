package dev.arcfleet.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The local broker's SCRAM identities, one password file each ({@code <dir>/<user>.password}, owner-only, made once
 * with 24 random bytes as hex), and the client settings made from them: {@code <user>.jaas} (the one-line
 * {@code sasl.jaas.config} a service reads into {@code KAFKA_SASL_JAAS_CONFIG}) and {@code <user>.properties} (for
 * Kafka's own tools: {@code --command-config}). Passwords go only into these files and into the broker's own
 * configuration file, never onto a command line.
 */
public final class KafkaSecrets {
    /** The super user of the local broker: the broker itself (controller and inter-broker) and the tooling. */
    public static final String ADMIN = "admin";

    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String PROTOCOL = "SASL_PLAINTEXT";
    /** The users of deploy/k8s/base/kafka-users.yaml, by their KafkaUser names. */
    public static final List<String> USERS =
            List.of("fleet-inventory", "fleet-planner", "fleet-executor", "fleet-device");

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;

    public KafkaSecrets(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the password files that are missing, and each user's .jaas and .properties files. */
    public KafkaSecrets ensure() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            for (String user : all()) {
                Path file = dir.resolve(user + ".password");
                if (!Files.exists(file)) {
                    byte[] bytes = new byte[24];
                    RANDOM.nextBytes(bytes);
                    writePrivate(file, HexFormat.of().formatHex(bytes) + "\n");
                }
                writePrivate(dir.resolve(user + ".jaas"), jaas(user) + "\n");
                Properties client = clientProperties(user);
                StringBuilder text = new StringBuilder(
                        "# Kafka client settings of the local user " + user + " (written by fleet-local)\n");
                client.stringPropertyNames().stream()
                        .sorted()
                        .forEach(k -> text.append(k)
                                .append('=')
                                .append(client.getProperty(k))
                                .append('\n'));
                writePrivate(dir.resolve(user + ".properties"), text.toString());
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> all() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(ADMIN), USERS.stream())
                .toList();
    }

    public String password(String user) {
        try {
            String password = Files.readString(dir.resolve(user + ".password"), StandardCharsets.UTF_8)
                    .strip();
            if (!password.matches("[0-9A-Za-z]{16,}")) {
                throw new IllegalStateException(
                        dir.resolve(user + ".password") + " does not hold a password of 16 or more letters and digits");
            }
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code sasl.jaas.config} of a SCRAM client logging in as {@code user}. */
    public String jaas(String user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password(user) + "\";";
    }

    /** security.protocol, sasl.mechanism and sasl.jaas.config of {@code user}. */
    public Properties clientProperties(String user) {
        Properties props = new Properties();
        props.put("security.protocol", PROTOCOL);
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaas(user));
        return props;
    }

    static void writePrivate(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
