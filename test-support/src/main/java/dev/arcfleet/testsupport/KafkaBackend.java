package dev.arcfleet.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;

/**
 * Which Kafka the tests get, chosen once per JVM by one switch: system property {@code fleet.test.kafka} or
 * environment variable {@code FLEET_TEST_KAFKA}, {@code auto} (default), {@code embedded} or {@code testcontainers}.
 * {@code auto} takes a Testcontainers broker when a Docker engine answers and the in-process KRaft broker otherwise;
 * {@code testcontainers} without a Docker engine is an error. SASL/SCRAM ({@code fleet.test.kafka.auth=scram}) is
 * the in-process broker's only: {@code auto} then picks it, {@code testcontainers} is an error.
 */
public enum KafkaBackend {
    /** Kafka's own test kit in this JVM ({@link LocalKafka}). */
    EMBEDDED,
    /** Testcontainers' Kafka module, image {@link #IMAGE}. */
    TESTCONTAINERS;

    public static final String PROPERTY = "fleet.test.kafka";
    public static final String AUTH_PROPERTY = "fleet.test.kafka.auth";
    /** The image docker-compose.yml runs. */
    public static final String IMAGE = "apache/kafka:4.1.1";

    /** The backend the switch names, asking the Docker probe only when that decides it. */
    public static KafkaBackend select(String mode, String auth, BooleanSupplier dockerAnswers) {
        String m = mode == null || mode.isBlank() ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
        boolean scram = isScram(auth);
        return switch (m) {
            case "embedded" -> EMBEDDED;
            case "auto" -> !scram && dockerAnswers.getAsBoolean() ? TESTCONTAINERS : EMBEDDED;
            case "testcontainers" -> {
                if (scram) {
                    throw new IllegalStateException(PROPERTY + "=testcontainers with " + AUTH_PROPERTY
                            + "=scram: SASL/SCRAM is set up on the in-process broker only; use " + PROPERTY
                            + "=embedded or auto");
                }
                if (!dockerAnswers.getAsBoolean()) {
                    throw new IllegalStateException(
                            PROPERTY + "=testcontainers, but no Docker engine answers (DOCKER_HOST, "
                                    + "/var/run/docker.sock); start one, or use " + PROPERTY + "=auto or embedded");
                }
                yield TESTCONTAINERS;
            }
            default ->
                throw new IllegalArgumentException(
                        PROPERTY + "=" + mode + ": expected auto, embedded or testcontainers");
        };
    }

    /** Whether an auth switch value asks for SASL/SCRAM ({@code scram}); {@code none} or empty is no authentication. */
    public static boolean isScram(String auth) {
        String a = auth == null ? "" : auth.strip().toLowerCase(Locale.ROOT);
        return switch (a) {
            case "", "none" -> false;
            case "scram" -> true;
            default -> throw new IllegalArgumentException(AUTH_PROPERTY + "=" + auth + ": expected none or scram");
        };
    }

    /** The backend of this JVM's switch. */
    public static KafkaBackend fromSwitch() {
        return select(setting(PROPERTY), setting(AUTH_PROPERTY), () -> dockerAnswers(System.getenv()));
    }

    /** A system property, else the environment variable of the same name upper-cased with '_' for '.'. */
    public static String setting(String property) {
        String value = System.getProperty(property);
        return value != null
                ? value
                : System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
    }

    /**
     * Whether a Docker engine answers. Without a Docker socket or a reachable {@code DOCKER_HOST} this returns
     * {@code false} at once without asking Testcontainers (whose own search takes seconds and logs each miss).
     */
    public static boolean dockerAnswers(Map<String, String> env) {
        if (!dockerEndpointExists(env)) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Whether the place a Docker client would look holds a socket or a listening TCP endpoint. */
    static boolean dockerEndpointExists(Map<String, String> env) {
        String host = env.get("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            URI uri = URI.create(host.strip());
            if ("unix".equals(uri.getScheme())) {
                return Files.exists(Path.of(uri.getPath()));
            }
            if ("tcp".equals(uri.getScheme()) && uri.getHost() != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(
                            new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort()), 1000);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }
            return false;
        }
        List<Path> sockets = new ArrayList<>(List.of(Path.of("/var/run/docker.sock")));
        String home = env.get("HOME");
        if (home != null) {
            sockets.add(Path.of(home, ".docker", "run", "docker.sock"));
            // Testcontainers' own configuration may name a remote engine
            if (Files.isRegularFile(Path.of(home, ".testcontainers.properties"))) {
                return true;
            }
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null) {
            sockets.add(Path.of(runtime, "docker.sock"));
        }
        return sockets.stream().anyMatch(Files::exists);
    }
}
