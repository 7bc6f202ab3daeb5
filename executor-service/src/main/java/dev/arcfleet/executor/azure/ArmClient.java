package dev.arcfleet.executor.azure;

import java.util.Map;
import java.util.Optional;

/** The ARM calls the executor makes: read a resource by id, and PUT one (returning once ARM has accepted it). */
public interface ArmClient {
    Optional<ArmResource> get(String resourceId, String apiVersion);

    /** Sends the PUT and returns ARM's status code (200, 201 or 202); provisioning continues on ARM's side. */
    int put(String resourceId, String apiVersion, Map<String, Object> body);
}
