package dev.arcfleet.inventory.imports;

/** The CSV cannot be read on from here (a quoted cell that never closes). */
public class CsvFormatException extends RuntimeException {
    private final int line;

    public CsvFormatException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
