package dev.arcfleet.executor.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;

/**
 * An ARM pipeline policy: {@code fleet_arm_calls_seconds{method, status}} for every call (count and time; status
 * {@code error} when no response came), and {@code fleet_arm_throttled_total{method}} for each 429.
 */
public final class ArmCallMetrics implements HttpPipelinePolicy {
    private final MeterRegistry registry;

    public ArmCallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        String method = context.getHttpRequest().getHttpMethod().name();
        Timer.Sample sample = Timer.start(registry);
        return next.process()
                .doOnNext(response -> {
                    int status = response.getStatusCode();
                    sample.stop(
                            registry.timer("fleet.arm.calls", "method", method, "status", Integer.toString(status)));
                    if (status == 429) {
                        registry.counter("fleet.arm.throttled", "method", method)
                                .increment();
                    }
                })
                .doOnError(
                        error -> sample.stop(registry.timer("fleet.arm.calls", "method", method, "status", "error")));
    }
}
