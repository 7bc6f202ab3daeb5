package dev.arcfleet.executor.azure;

import java.util.Map;
import java.util.Optional;

/** The ARM calls the executor makes: read a resource by id, PUT one, and poll a long-running operation. */
public interface ArmClient {
    Optional<ArmResource> get(String resourceId, String apiVersion);

    /** Sends the PUT and returns once ARM has accepted it; provisioning may continue on ARM's side. */
    ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body);

    /** Polls an {@code Azure-AsyncOperation} or {@code Location} URL that a PUT answered with. */
    ArmOperation operation(String url);
}
