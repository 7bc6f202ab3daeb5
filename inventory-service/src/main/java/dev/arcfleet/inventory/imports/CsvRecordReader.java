package dev.arcfleet.inventory.imports;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV one record at a time, so a file is never held whole: cells are separated by commas, a quoted
 * cell may hold commas, doubled quotes and line breaks, records end with LF or CRLF, blank lines are skipped and a
 * leading byte-order mark is dropped. Each record carries the file line it starts on.
 */
public final class CsvRecordReader {
    private static final int NONE = -2;

    public record CsvRecord(int line, List<String> cells) {}

    private final Reader in;
    private int pushedBack = NONE;
    private int line = 1;
    private boolean started;

    public CsvRecordReader(Reader in) {
        this.in = in;
    }

    /**
     * The next record, or null at the end of the input.
     *
     * @throws CsvFormatException when the input ends inside a quoted cell
     */
    public CsvRecord next() throws IOException {
        while (true) {
            int startLine = line;
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean inQuotes = false;
            boolean content = false;
            while (true) {
                int c = read();
                if (c == -1) {
                    if (inQuotes) {
                        throw new CsvFormatException(
                                startLine, "a quoted cell opened on line " + startLine + " is never closed");
                    }
                    if (!content) {
                        return null;
                    }
                    cells.add(cell.toString());
                    return new CsvRecord(startLine, cells);
                }
                if (inQuotes) {
                    if (c == '"') {
                        int next = read();
                        if (next == '"') {
                            cell.append('"');
                        } else {
                            inQuotes = false;
                            unread(next);
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        cell.append((char) c);
                    }
                    continue;
                }
                if (c == '\r') {
                    int next = read();
                    if (next != '\n') {
                        unread(next);
                    }
                    c = '\n';
                }
                if (c == '\n') {
                    line++;
                    if (!content) {
                        break;
                    }
                    cells.add(cell.toString());
                    return new CsvRecord(startLine, cells);
                }
                content = true;
                if (c == '"' && cell.isEmpty()) {
                    inQuotes = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append((char) c);
                }
            }
        }
    }

    private int read() throws IOException {
        if (pushedBack != NONE) {
            int c = pushedBack;
            pushedBack = NONE;
            return c;
        }
        int c = in.read();
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                c = in.read();
            }
        }
        return c;
    }

    private void unread(int c) {
        pushedBack = c;
    }
}
