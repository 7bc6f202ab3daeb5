package dev.arcfleet.inventory.imports;

import java.io.IOException;

/** Reads an import file record by record; never the whole file at once. */
public interface ImportLineReader {
    /** The next record, or null at the end of the file. */
    ImportLine next() throws IOException;
}
