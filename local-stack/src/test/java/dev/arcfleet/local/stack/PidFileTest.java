package dev.arcfleet.local.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher stops only what it started: a pid counts while it is alive and still runs the program recorded. */
class PidFileTest {
    @TempDir
    Path dir;

    final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
    }

    Process sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "3600").start();
        started.add(p);
        return p;
    }

    @Test
    void aLiveProcessOfTheRecordedProgramIsOursAndIsStopped() throws Exception {
        Process p = sleeper();
        PidFile pid = new PidFile(dir.resolve("pids/sleeper.pid"), "sleep 3600");
        pid.record(p.pid());
        assertThat(pid.ours()).hasValue(p.pid());

        assertThat(pid.stop(Duration.ofSeconds(10))).hasValue(p.pid());
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pid.file()).doesNotExist();
    }

    @Test
    void aPidNowRunningAnotherProgramIsLeftAlone() throws Exception {
        Process other = sleeper();
        PidFile pid = new PidFile(dir.resolve("kafka.pid"), "LocalKafkaBroker");
        pid.record(other.pid());
        assertThat(pid.ours()).isEmpty();

        assertThat(pid.stop(Duration.ofSeconds(1))).isEmpty();
        assertThat(other.isAlive()).isTrue();
        assertThat(pid.file()).doesNotExist();
    }

    @Test
    void anEndedProcessOrAFileWithoutAPidIsNotOurs() throws Exception {
        Process p = sleeper();
        PidFile pid = new PidFile(dir.resolve("gone.pid"), "sleep");
        pid.record(p.pid());
        p.destroyForcibly().waitFor();
        assertThat(pid.ours()).isEmpty();

        Files.writeString(pid.file(), "not a pid\n");
        assertThat(pid.ours()).isEmpty();
        assertThat(new PidFile(dir.resolve("never.pid"), "sleep").ours()).isEmpty();
    }

    @Test
    void downStopsOnlyTheStacksOwnProcesses() throws Exception {
        LocalStack stack = new LocalStack(
                dir.resolve("checkout"),
                Map.of("FLEET_LOCAL_HOME", dir.resolve("state").toString()));
        Process stranger = sleeper();
        new PidFile(stack.pids().resolve("kafka.pid"), "x").record(stranger.pid());
        new PidFile(stack.pids().resolve("planner.pid"), "x").record(stranger.pid());
        assertThat(stack.processes().values()).allMatch(java.util.OptionalLong::isEmpty);

        List<String> said = new ArrayList<>();
        stack.down(said::add);
        assertThat(said).isEmpty();
        assertThat(stranger.isAlive()).isTrue();
        assertThat(stack.pids().resolve("kafka.pid")).doesNotExist();
        assertThat(stack.pids().resolve("planner.pid")).doesNotExist();

        // a process whose command line names the service's jar is the stack's, and down stops it
        Path jar = stack.root().resolve("planner-service/target/quarkus-app/quarkus-run.jar");
        // sh stays the process (GNU sleep would refuse the jar as an argument); the jar is its $0, so it is on the
        // command line; SIGTERM ends sleep and sh
        Process planner = new ProcessBuilder(
                        "sh", "-c", "trap 'kill $!; exit 0' TERM; sleep 3600 & wait", jar.toString())
                .start();
        started.add(planner);
        stack.servicePid("planner").record(planner.pid());
        assertThat(stack.processes().get("planner")).hasValue(planner.pid());
        stack.down(said::add);
        assertThat(said).containsExactly("stopped planner-service (pid " + planner.pid() + ")");
        assertThat(planner.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void tokensAreWrittenOnceAndOwnerOnly() throws IOException {
        LocalStack stack = new LocalStack(
                dir, Map.of("FLEET_LOCAL_HOME", dir.resolve("state").toString()));
        List<String> said = new ArrayList<>();
        stack.ensureTokens(said::add);
        String admin = LocalStack.readToken(stack.adminToken());
        assertThat(admin).matches("afo_[A-Za-z0-9_-]{43}");
        assertThat(LocalStack.readToken(stack.serviceToken()))
                .matches("afo_[A-Za-z0-9_-]{43}")
                .isNotEqualTo(admin);
        assertThat(Files.readString(stack.adminHeader())).isEqualTo("Authorization: Bearer " + admin + "\n");
        for (Path f : List.of(stack.adminToken(), stack.serviceToken(), stack.adminHeader())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .isEqualTo("rw-------");
        }
        assertThat(said).hasSize(1);
        assertThat(said.get(0)).doesNotContain(admin);

        stack.ensureTokens(said::add);
        assertThat(LocalStack.readToken(stack.adminToken())).isEqualTo(admin);
        assertThat(said).hasSize(1);
    }
}
