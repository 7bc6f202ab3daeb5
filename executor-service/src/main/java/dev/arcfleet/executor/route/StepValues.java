package dev.arcfleet.executor.route;

import java.util.Map;

/** What a route's placeholders may read while a step runs live; the live applier answers. */
public interface StepValues {
    /** A property ({@code a.b.c}) of the ARM resource the request writes, as Azure has it now; null when new or unset. */
    Object currentArmProperty(String path);

    /**
     * The values of a Secret in the step's cluster ({@code data} decoded, {@code stringData} as is where {@code data}
     * lacks the key), or null when the cluster has no such Secret.
     */
    Map<String, String> clusterSecret(String namespace, String name);

    /** A field ({@code tenantId}, {@code clientId}, {@code clientSecret}) of the service principal machines onboard with. */
    String onboardingPrincipal(String field);
}
