package dev.arcfleet.inventory.imports;

import java.time.Instant;
import java.util.List;

/** An import as stored: progress while it runs, the outcome once finished. */
public record ImportRecord(
        String importId,
        ImportFormat format,
        ImportState state,
        long lines,
        long accepted,
        long unchanged,
        long rejected,
        List<ImportError> errors,
        long errorsOmitted,
        String message,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt) {}
