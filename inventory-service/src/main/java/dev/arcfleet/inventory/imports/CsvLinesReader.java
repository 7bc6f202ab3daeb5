package dev.arcfleet.inventory.imports;

import dev.arcfleet.contracts.FieldError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.List;

/** A registration CSV: the header row first (a bad header rejects the file), then one registration per record. */
public final class CsvLinesReader implements ImportLineReader {
    private final CsvRecordReader records;
    private final CsvColumns columns;
    private boolean broken;

    private CsvLinesReader(CsvRecordReader records, CsvColumns columns) {
        this.records = records;
        this.columns = columns;
    }

    /** Reads the header row. @throws ImportFileException when the file is empty or its header is not usable */
    public static CsvLinesReader open(Reader in) throws IOException {
        CsvRecordReader records = new CsvRecordReader(in instanceof BufferedReader ? in : new BufferedReader(in));
        CsvRecordReader.CsvRecord header;
        try {
            header = records.next();
        } catch (CsvFormatException e) {
            throw new ImportFileException(
                    "the CSV header cannot be read", List.of(new FieldError("header", e.getMessage())));
        }
        if (header == null) {
            throw new ImportFileException(
                    "the file is empty: a CSV import starts with a header row naming its columns", List.of());
        }
        CsvColumns.Header parsed = CsvColumns.parse(header.cells());
        if (!parsed.valid()) {
            throw new ImportFileException("the CSV header is not usable", parsed.errors());
        }
        return new CsvLinesReader(records, parsed.columns());
    }

    @Override
    public ImportLine next() throws IOException {
        if (broken) {
            return null;
        }
        CsvRecordReader.CsvRecord record;
        try {
            record = records.next();
        } catch (CsvFormatException e) {
            broken = true;
            return ImportLine.unreadable(e.line(), List.of(new FieldError("$", e.getMessage())));
        }
        if (record == null) {
            return null;
        }
        CsvColumns.Row row = columns.toJson(record.cells());
        return row.valid()
                ? ImportLine.read(record.line(), row.json())
                : ImportLine.unreadable(record.line(), row.errors());
    }
}
