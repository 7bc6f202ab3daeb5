package dev.arcfleet.planner.config;

import dev.arcfleet.planner.decide.Policy;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The policy in force: the file {@code fleet.policy.file} names (env {@code FLEET_POLICY_FILE}), else the bundled
 * {@code policy/default-policy.json}. Read once at start; a bad file stops the service with every problem listed. To
 * change policy, edit the file and restart the planner: the new version replans every node on its next facts, and
 * {@code POST /api/v1/decisions/what-if} shows the effect beforehand.
 */
@ApplicationScoped
public class PolicyProvider {
    static final String BUNDLED = "policy/default-policy.json";

    private final Policy policy;

    public PolicyProvider(@ConfigProperty(name = "fleet.policy.file") Optional<String> file) {
        String json;
        String from;
        if (file.isPresent() && !file.get().isBlank()) {
            Path path = Path.of(file.get());
            from = path.toAbsolutePath().toString();
            try {
                json = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("fleet.policy.file " + from + " cannot be read", e);
            }
        } else {
            from = "classpath:" + BUNDLED;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException(BUNDLED + " is missing from the planner's classpath");
                }
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(BUNDLED + " cannot be read", e);
            }
        }
        this.policy = PolicyDocument.parse(json);
        Log.infof("policy %s from %s", policy.version(), from);
    }

    public Policy current() {
        return policy;
    }
}
