package dev.arcfleet.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class KafkaBackendTest {
    static final BooleanSupplier NO_DOCKER = () -> false;
    static final BooleanSupplier DOCKER = () -> true;

    @Test
    void autoWithoutDockerIsTheInProcessBroker() {
        assertThat(KafkaBackend.select(null, null, NO_DOCKER)).isEqualTo(KafkaBackend.EMBEDDED);
        assertThat(KafkaBackend.select("auto", "none", NO_DOCKER)).isEqualTo(KafkaBackend.EMBEDDED);
        assertThat(KafkaBackend.select(" AUTO ", "", NO_DOCKER)).isEqualTo(KafkaBackend.EMBEDDED);
    }

    @Test
    void autoWithDockerIsTestcontainers() {
        assertThat(KafkaBackend.select("auto", null, DOCKER)).isEqualTo(KafkaBackend.TESTCONTAINERS);
    }

    @Test
    void testcontainersWithoutDockerIsAClearError() {
        assertThatThrownBy(() -> KafkaBackend.select("testcontainers", null, NO_DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fleet.test.kafka=testcontainers")
                .hasMessageContaining("no Docker engine answers");
        assertThat(KafkaBackend.select("testcontainers", null, DOCKER)).isEqualTo(KafkaBackend.TESTCONTAINERS);
    }

    @Test
    void embeddedNeverAsksForDocker() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(KafkaBackend.select("embedded", null, () -> asked.incrementAndGet() > 0))
                .isEqualTo(KafkaBackend.EMBEDDED);
        assertThat(asked).hasValue(0);
    }

    @Test
    void scramIsTheInProcessBrokersOnly() {
        assertThat(KafkaBackend.select("auto", "scram", DOCKER)).isEqualTo(KafkaBackend.EMBEDDED);
        assertThatThrownBy(() -> KafkaBackend.select("testcontainers", "scram", DOCKER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in-process broker only");
    }

    @Test
    void unknownValuesAreRefused() {
        assertThatThrownBy(() -> KafkaBackend.select("docker", null, DOCKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected auto, embedded or testcontainers");
        assertThatThrownBy(() -> KafkaBackend.isScram("sasl"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected none or scram");
    }

    @Test
    void theProbeAnswersAtOnceWhereNoEngineListens() {
        boolean answers = assertTimeoutPreemptively(
                Duration.ofSeconds(3),
                () -> KafkaBackend.dockerAnswers(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock")));
        assertThat(answers).isFalse();
        assertThat(KafkaBackend.dockerAnswers(Map.of("DOCKER_HOST", "tcp://127.0.0.1:1")))
                .isFalse();
        assertThat(KafkaBackend.select(
                        "auto",
                        null,
                        () -> KafkaBackend.dockerAnswers(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock"))))
                .isEqualTo(KafkaBackend.EMBEDDED);
    }
}
