package dev.arcfleet.inventory.imports;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A bulk import on {@code /api/v1/imports}: {@code lines} read so far (blank lines and the CSV header not counted),
 * how many were {@code accepted} (new or changed facts), {@code unchanged} or {@code rejected}, the first errors by
 * file line and field, and {@code errorsOmitted}: errors past the cap, counted only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportView(
        String importId,
        String format,
        String state,
        long lines,
        long accepted,
        long unchanged,
        long rejected,
        List<ImportError> errors,
        long errorsOmitted,
        String message,
        Instant startedAt,
        Instant updatedAt,
        Instant finishedAt) {

    static ImportView of(ImportRecord r) {
        return new ImportView(
                r.importId(),
                r.format().name(),
                r.state().name(),
                r.lines(),
                r.accepted(),
                r.unchanged(),
                r.rejected(),
                r.errors(),
                r.errorsOmitted(),
                message(r),
                r.startedAt(),
                r.updatedAt(),
                r.finishedAt());
    }

    /** The import's own message, or, when it finished with every line rejected, one saying so. */
    private static String message(ImportRecord r) {
        if (r.message() != null || r.lines() == 0 || r.rejected() < r.lines() || r.finishedAt() == null) {
            return r.message();
        }
        return "all " + r.lines() + " lines were rejected; see errors (by line and field)";
    }
}
