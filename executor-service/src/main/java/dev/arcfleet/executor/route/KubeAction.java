package dev.arcfleet.executor.route;

/** What a step does with one Kubernetes object. */
public enum KubeAction {
    /** Create it, or update it to the manifest when it differs (server-owned fields aside). */
    APPLY,
    /** Create it unless it exists; never change an existing one (an agent key already registered with Azure). */
    CREATE_ONLY,
    /**
     * Create it, or delete and create it again when it differs: for objects whose spec the API server will not change
     * in place (a Job's pod template is immutable).
     */
    REPLACE,
    /** Delete it if it is there; absent is done. */
    DELETE
}
