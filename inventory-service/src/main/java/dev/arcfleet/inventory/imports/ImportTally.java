package dev.arcfleet.inventory.imports;

import dev.arcfleet.contracts.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * The running counts of one import, and its first {@code maxErrors} errors; errors past the cap are only counted, so
 * a file of 100,000 bad lines does not make a 100,000-entry answer.
 */
public final class ImportTally {
    private final int maxErrors;
    private final List<ImportError> errors = new ArrayList<>();
    private long lines;
    private long accepted;
    private long unchanged;
    private long rejected;
    private long errorsOmitted;

    public ImportTally(int maxErrors) {
        this.maxErrors = maxErrors;
    }

    public void lineRead() {
        lines++;
    }

    public void accepted(long count) {
        accepted += count;
    }

    public void unchanged(long count) {
        unchanged += count;
    }

    public void rejected(int line, List<FieldError> fieldErrors) {
        rejected++;
        for (FieldError e : fieldErrors) {
            if (errors.size() < maxErrors) {
                errors.add(new ImportError(line, e.field(), e.message()));
            } else {
                errorsOmitted++;
            }
        }
    }

    public long lines() {
        return lines;
    }

    public long accepted() {
        return accepted;
    }

    public long unchanged() {
        return unchanged;
    }

    public long rejected() {
        return rejected;
    }

    public List<ImportError> errors() {
        return List.copyOf(errors);
    }

    public long errorsOmitted() {
        return errorsOmitted;
    }
}
