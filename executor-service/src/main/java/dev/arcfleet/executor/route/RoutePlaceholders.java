package dev.arcfleet.executor.route;

/**
 * The placeholders ({@code ${name}}) a route writes into its steps and fills in itself when a step runs live, from
 * what the running step may read ({@link StepValues}). The shared ARM references ({@code ${arm:...}},
 * {@link Placeholders#arm}) belong to no route: the applier reads them.
 */
public interface RoutePlaceholders {
    /** A route without placeholders of its own. */
    RoutePlaceholders NONE = new RoutePlaceholders() {};

    /** The value of {@code placeholder} in an ARM request body; null when it is not one of this route's. */
    default String inArmBody(String placeholder, StepValues values) {
        return null;
    }

    /** The value of {@code placeholder} in a Kubernetes Secret's manifest (where secrets go); null when not this route's. */
    default String inSecret(String placeholder, StepValues values) {
        return null;
    }
}
