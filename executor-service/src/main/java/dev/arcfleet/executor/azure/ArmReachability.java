package dev.arcfleet.executor.azure;

import dev.arcfleet.executor.config.ExecutorConfig;
import dev.arcfleet.executor.config.ExecutorMode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: in live mode, whether the ARM endpoint answers HTTP at all (any status, even 401, means reachable; a
 * refused connection, a DNS failure or a timeout means not). The answer is kept for 30 s so probes do not hammer ARM.
 * In dry-run mode ARM is never called and the check says so.
 */
@Readiness
@ApplicationScoped
public class ArmReachability implements HealthCheck {
    static final Duration CACHE = Duration.ofSeconds(30);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final ExecutorConfig config;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private volatile HealthCheckResponse last;
    private volatile Instant lastAt = Instant.EPOCH;

    public ArmReachability(ExecutorConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (config.mode() != ExecutorMode.LIVE) {
            return HealthCheckResponse.named("Azure Resource Manager")
                    .up()
                    .withData("mode", config.mode().value())
                    .withData("checked", "not called in this mode")
                    .build();
        }
        Instant now = Instant.now();
        HealthCheckResponse cached = last;
        if (cached != null && lastAt.plus(CACHE).isAfter(now)) {
            return cached;
        }
        HealthCheckResponse fresh = probe();
        last = fresh;
        lastAt = now;
        return fresh;
    }

    private HealthCheckResponse probe() {
        String endpoint = config.azure().endpoint();
        var builder = HealthCheckResponse.named("Azure Resource Manager").withData("endpoint", endpoint);
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(endpoint))
                            .timeout(TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return builder.up().withData("status", response.statusCode()).build();
        } catch (IOException | IllegalArgumentException e) {
            return builder.down()
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return builder.down().withData("error", "interrupted").build();
        }
    }
}
