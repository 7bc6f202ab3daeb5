package dev.arcfleet.executor.azure;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ARM calls the executor makes: read a resource by id, PUT one, and poll a long-running operation. */
public interface ArmClient {
    Optional<ArmResource> get(String resourceId, String apiVersion);

    /** Sends the PUT and returns once ARM has accepted it; provisioning may continue on ARM's side. */
    ArmAccepted put(String resourceId, String apiVersion, Map<String, Object> body);

    /**
     * Sends a DELETE of the resource: 200 or 204 is done ({@link ArmAccepted#done()}), 202 is a long-running operation
     * to poll at its {@code Azure-AsyncOperation} or {@code Location} (only on the ARM endpoint); 404 is done too.
     */
    ArmAccepted delete(String resourceId, String apiVersion);

    /**
     * Lists a resource group's resources of one type ({@code GET {group}/providers/{namespace}/{type}}), following
     * {@code nextLink} pages, which must stay on the ARM endpoint (a link elsewhere is refused: the token goes only to ARM).
     */
    List<ArmResource> list(String collectionId, String apiVersion);

    /** Polls an {@code Azure-AsyncOperation} or {@code Location} URL that a PUT answered with. */
    ArmOperation operation(String url);
}
