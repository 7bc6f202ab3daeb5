package dev.arcfleet.inventory.imports;

public enum ImportFormat {
    /** JSON Lines ({@code application/x-ndjson}): one registration object per line. */
    NDJSON,
    /** {@code text/csv} with a header row naming the columns (see {@link CsvColumns}). */
    CSV
}
