package dev.arcfleet.executor.route;

/** A value a placeholder needs is not there yet (a Secret another step writes, say): the step is tried again. */
public class PlaceholderNotReady extends RuntimeException {
    public PlaceholderNotReady(String message) {
        super(message);
    }
}
