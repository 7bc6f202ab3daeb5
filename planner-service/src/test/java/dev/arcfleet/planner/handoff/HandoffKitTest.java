package dev.arcfleet.planner.handoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kit as a site runs it: the script executed by bash with a stand-in azcmagent that keeps what it was given. */
class HandoffKitTest {
    static final HandoffKit.Settings SETTINGS =
            new HandoffKit.Settings("tenant-1", "sub-1", "arc-fleet", "westeurope", "AzureCloud", "sp-app-id");
    static final String SECRET = "s3cr\"et\\with~odd.chars";

    static final List<HandoffKit.Entry> ENTRIES = List.of(
            new HandoffKit.Entry(
                    "plan-1", "lyon-db-01", "lyon-db-01.example.net", "lyon", null, "ubuntu", "lyon-db-01"),
            new HandoffKit.Entry("plan-2", "lyon/app,2", "app-2", "lyon", "lyon-k3s", "debian", "app-2"));

    @Test
    void machineNamesAreTheShortHostnameWhenAzureAcceptsItAndUniqueOtherwise() {
        assertThat(HandoffKit.machineName("db-01.example.net", "db-01")).isEqualTo("db-01");
        String a = HandoffKit.machineName("a:b", "site/a:b");
        String b = HandoffKit.machineName("a/b", "site/a/b");
        assertThat(a).isNotEqualTo(b).matches(HandoffKit.MACHINE_NAME);
        assertThat(HandoffKit.machineName("x".repeat(80), "n1"))
                .matches(HandoffKit.MACHINE_NAME)
                .isNotEqualTo(HandoffKit.machineName("x".repeat(80), "n2"));
    }

    @Test
    void theInventoryHasOneQuotedLinePerHost() {
        String csv = HandoffKit.inventory(ENTRIES);
        assertThat(csv.split("\r\n")).hasSize(3);
        assertThat(csv).contains("\"lyon/app,2\"").contains("lyon-db-01.example.net");
    }

    @Test
    void theScriptHoldsNoSecretAndRefusesValuesItCannotQuote() {
        String script = HandoffKit.script("kit-1", "lyon", Instant.EPOCH, "ops", SETTINGS, ENTRIES);
        assertThat(script).contains("SERVICE_PRINCIPAL_ID='sp-app-id'").doesNotContain(SECRET);
        assertThatThrownBy(() -> HandoffKit.script(
                        "kit-1",
                        "lyon",
                        Instant.EPOCH,
                        "ops",
                        SETTINGS,
                        List.of(new HandoffKit.Entry("p", "n", "h'; rm -rf /; '", "lyon", null, null, "h"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandoffKit.script("kit-1", "lyon", Instant.EPOCH, "ops\nrm -rf /", SETTINGS, ENTRIES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runOnAListedHostItConnectsWithAConfigFileThatHoldsTheSecretAndIsRemovedAfter(@TempDir Path dir)
            throws Exception {
        Path bin = fakeAzcmagent(dir);
        Path secret = dir.resolve("sp-secret");
        Files.writeString(secret, SECRET + "\n");
        Result run = run(dir, bin, "app-2", secret);
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode config = new ObjectMapper().readTree(Files.readString(dir.resolve("seen-config.json")));
        assertThat(config.get("service-principal-secret").asText()).isEqualTo(SECRET);
        assertThat(config.get("service-principal-id").asText()).isEqualTo("sp-app-id");
        assertThat(config.get("resource-name").asText()).isEqualTo("app-2");
        assertThat(config.get("tags").asText())
                .isEqualTo("arcfleet.dev/node=lyon/app_2,arcfleet.dev/site=lyon," + "arcfleet.dev/cluster=lyon-k3s");
        assertThat(config.get("correlation-id").asText()).isEqualTo("kit-1");
        assertThat(Files.readString(dir.resolve("seen-mode"))).startsWith("600");
        assertThat(Files.readString(dir.resolve("seen-args")))
                .doesNotContain(SECRET)
                .startsWith("connect --config ");
        Path used = Path.of(Files.readString(dir.resolve("seen-args")).trim().substring("connect --config ".length()));
        assertThat(used).doesNotExist();
    }

    @Test
    void aHostNotInTheKitOrAMissingSecretStopsWithExitCode2(@TempDir Path dir) throws Exception {
        Path bin = fakeAzcmagent(dir);
        Result stranger = run(dir, bin, "not-listed", dir.resolve("none"));
        assertThat(stranger.exit()).isEqualTo(2);
        assertThat(stranger.output()).contains("not in hand-off kit kit-1");
        Result noSecret = run(dir, bin, "lyon-db-01", dir.resolve("none"));
        assertThat(noSecret.exit()).isEqualTo(2);
        assertThat(noSecret.output()).contains("ARC_SP_SECRET_FILE");
        assertThat(dir.resolve("seen-args")).doesNotExist();
    }

    record Result(int exit, String output) {}

    private static Result run(Path dir, Path bin, String host, Path secret) throws IOException, InterruptedException {
        Path script = dir.resolve("onboard.sh");
        Files.writeString(script, HandoffKit.script("kit-1", "lyon", Instant.EPOCH, "ops", SETTINGS, ENTRIES));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":/usr/bin:/bin");
        env.put("ARC_HOSTNAME", host);
        env.put("ARC_SP_SECRET_FILE", secret.toString());
        env.put("SEEN", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    /** An azcmagent that records its arguments, the config file's content and its mode. */
    private static Path fakeAzcmagent(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path agent = bin.resolve("azcmagent");
        Files.writeString(agent, """
                #!/usr/bin/env bash
                echo "$*" > "$SEEN/seen-args"
                cp "$3" "$SEEN/seen-config.json"
                stat -c '%a' "$3" > "$SEEN/seen-mode"
                """);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
