package dev.arcfleet.inventory.imports;

public enum ImportState {
    /** Lines are being read and registered. */
    RUNNING,
    /** Every line was read; see the counts and errors. */
    DONE,
    /** Stopped early (the upload broke off, or the registry could not store a batch); earlier batches are stored. */
    FAILED,
    /** Still marked running, but its progress stopped moving: the instance running it went away. */
    INTERRUPTED
}
