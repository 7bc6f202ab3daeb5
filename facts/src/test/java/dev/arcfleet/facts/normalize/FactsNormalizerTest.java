package dev.arcfleet.facts.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FactsSource;
import dev.arcfleet.contracts.NodeFacts;
import dev.arcfleet.contracts.Registration;
import dev.arcfleet.facts.classify.OsClassifier;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FactsNormalizerTest {
    private final FactsNormalizer normalizer = new FactsNormalizer(new OsClassifier());

    private static Registration registration(String json) throws Exception {
        Validated v = new RegistrationValidator().validate(new ObjectMapper().readTree(json));
        assertThat(v.errors()).isEmpty();
        return v.registration();
    }

    @Test
    void factsNormalizedOnceAndStampedAreTheFactsNormalizedForThatEvent() throws Exception {
        Registration r = registration("""
                { "deviceId": "ghent-line3-gw-07", "hostname": "gw-07", "site": "ghent", "deviceClass": "edge_gateway",
                  "osRelease": { "ID": "flatcar", "VERSION_ID": "4081.2.0" },
                  "osImage": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)", "kernelVersion": "6.6.60-flatcar",
                  "host": { "architecture": "amd64", "cpuCores": 8, "memoryMiB": 16384, "readOnlyUsr": true },
                  "cluster": { "id": "ghent-line3", "distribution": "k3s" },
                  "requiredCapabilities": ["POLICY", "MONITOR"], "labels": { "line": "3", "cell": "a" } }""");
        Instant now = Instant.parse("2026-12-05T08:40:00.123456789Z");
        NodeFacts once =
                normalizer.normalize(r, FactsSource.REGISTRATION, Instant.EPOCH, "fleet.registrations-0@7", null);

        NodeFacts stamped = once.stamped("event-2", "correlation-2", now);

        assertThat(stamped)
                .isEqualTo(normalizer.normalize(r, FactsSource.REGISTRATION, now, "event-2", "correlation-2"));
        assertThat(stamped.factsHash()).isEqualTo(once.factsHash()).isNotNull();
        assertThat(stamped.observedAt()).isEqualTo(now);
        assertThat(stamped.occurredAt()).isEqualTo(now);
    }

    @Test
    void theHashCoversTheFactsAndNotTheEvent() throws Exception {
        Registration r = registration("{ \"deviceId\": \"n1\", \"labels\": { \"line\": \"3\" } }");
        Registration moved = registration("{ \"deviceId\": \"n1\", \"labels\": { \"line\": \"4\" } }");
        NodeFacts a = normalizer.normalize(r, FactsSource.REGISTRATION, Instant.EPOCH, "e1", "c1");
        NodeFacts b = normalizer.normalize(r, FactsSource.REGISTRATION, Instant.now(), "e2", "c2");

        assertThat(b.factsHash()).isEqualTo(a.factsHash());
        assertThat(normalizer
                        .normalize(moved, FactsSource.REGISTRATION, Instant.EPOCH, "e1", "c1")
                        .factsHash())
                .isNotEqualTo(a.factsHash());
    }
}
