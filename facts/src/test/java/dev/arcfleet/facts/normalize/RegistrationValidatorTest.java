package dev.arcfleet.facts.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.arcfleet.contracts.FieldError;
import org.junit.jupiter.api.Test;

class RegistrationValidatorTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final RegistrationValidator validator = new RegistrationValidator();

    private Validated validate(String json) throws Exception {
        JsonNode node = mapper.readTree(json);
        return validator.validate(node);
    }

    @Test
    void acceptsTheContractExample() throws Exception {
        Validated v = validate("""
                { "deviceId": "ghent-line3-gw-07", "hostname": "gw-07", "site": "ghent", "deviceClass": "EDGE_GATEWAY",
                  "osRelease": { "ID": "flatcar", "VERSION_ID": "4081.2.0", "PRETTY_NAME": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)" },
                  "osImage": "Flatcar Container Linux by Kinvolk 4081.2.0 (Oklo)", "kernelVersion": "6.6.60-flatcar",
                  "host": { "architecture": "amd64", "cpuCores": 8, "memoryMiB": 16384, "readOnlyUsr": true, "ostreeBooted": false, "packageManager": "none" },
                  "cluster": { "id": "ghent-line3", "distribution": "k3s" },
                  "virtualization": { "kubevirt": false, "talosWorkloadVm": false, "firecracker": false },
                  "requiredCapabilities": ["POLICY", "MONITOR"], "labels": { "line": "3" } }""");
        assertThat(v.valid()).isTrue();
        assertThat(v.registration().host().cpuCores()).isEqualTo(8);
        assertThat(v.registration().cluster().id()).isEqualTo("ghent-line3");
        assertThat(v.registration().requiredCapabilities()).containsExactly("POLICY", "MONITOR");
    }

    @Test
    void rejectsRegistrationWithoutDeviceId() throws Exception {
        Validated v = validate("{\"hostname\": \"gw-07\"}");
        assertThat(v.errors()).containsExactly(new FieldError("deviceId", "is required"));
    }

    @Test
    void reportsEveryBadFieldAtOnce() throws Exception {
        Validated v = validate("""
                { "deviceId": "bad id with spaces", "deviceClass": "TOASTER",
                  "host": { "cpuCores": "eight", "memoryMiB": -1, "readOnlyUsr": "yes" },
                  "cluster": { "distribution": "k3s" },
                  "requiredCapabilities": ["POLICY", "TELEPATHY", 7],
                  "labels": { "line": { "nested": true } } }""");
        assertThat(v.errors())
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder(
                        "deviceId",
                        "deviceClass",
                        "host.cpuCores",
                        "host.memoryMiB",
                        "host.readOnlyUsr",
                        "cluster.id",
                        "requiredCapabilities[1]",
                        "requiredCapabilities[2]",
                        "labels.line");
        assertThat(v.errors())
                .filteredOn(e -> e.field().equals("host.cpuCores"))
                .extracting(FieldError::message)
                .containsExactly("must be an integer from 1 to 4096, got eight");
        assertThat(v.errors())
                .filteredOn(e -> e.field().equals("deviceClass"))
                .extracting(FieldError::message)
                .allSatisfy(m -> assertThat(m)
                        .contains("SERVER, EDGE_GATEWAY, INDUSTRIAL, IOT_DEVICE")
                        .contains("TOASTER"));
    }

    @Test
    void rejectsNonObjectItems() throws Exception {
        assertThat(validate("\"just a string\"").errors())
                .containsExactly(new FieldError("$", "must be a JSON object, got a string"));
        assertThat(validate("[1,2]").errors())
                .extracting(FieldError::message)
                .containsExactly("must be a JSON object, got an array");
    }

    /** Issue 19: a NUL in a hostname passed here and then broke the batch that tried to store it. */
    @Test
    void rejectsControlCharactersInTextsAndMaps() throws Exception {
        Validated v =
                validate("{\"deviceId\": \"x\", \"hostname\": \"worker\\u0000one\", \"site\": \"ghent\\r\\nforged\","
                        + " \"cluster\": {\"id\": \"c1\", \"distribution\": \"k3s\\u001b[2J\"},"
                        + " \"osRelease\": {\"ID\": \"talos\\u0085\"}, \"labels\": {\"a\\tb\": \"1\"}}");
        assertThat(v.errors())
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("hostname", "site", "cluster.distribution", "osRelease.ID", "labels.a\tb");
        assertThat(v.errors())
                .extracting(FieldError::message)
                .allSatisfy(m -> assertThat(m).contains("control characters"));
    }

    /** A site the executor would refuse on a plan (a space, a slash) is refused at registration, not left PLANNED. */
    @Test
    void rejectsASiteOutsideTheSharedShape() throws Exception {
        for (String site : new String[] {"ghent line3", "ghent/line3", "ghent;rm"}) {
            Validated v = validate("{\"deviceId\": \"x\", \"site\": \"" + site + "\"}");
            assertThat(v.errors()).extracting(FieldError::field).as(site).containsExactly("site");
        }
        assertThat(validate("{\"deviceId\": \"x\", \"site\": \"ghent-line3.eu:1\"}")
                        .errors())
                .isEmpty();
    }

    @Test
    void rejectsOverlongFieldsWithTheirLength() throws Exception {
        Validated v = validate("{\"deviceId\": \"x\", \"osImage\": \"" + "a".repeat(600) + "\"}");
        assertThat(v.errors()).containsExactly(new FieldError("osImage", "must be at most 512 characters, got 600"));
    }

    @Test
    void ignoresUnknownFieldsSoTheContractCanGrow() throws Exception {
        assertThat(validate("{\"deviceId\": \"edge-1\", \"firmware\": {\"bios\": \"1.2\"}}")
                        .valid())
                .isTrue();
    }

    @Test
    void acceptsNodeIdsOfDiscoveredNodesWithASlash() throws Exception {
        assertThat(validate("{\"deviceId\": \"ghent-line3/worker-2\"}").valid()).isTrue();
    }
}
