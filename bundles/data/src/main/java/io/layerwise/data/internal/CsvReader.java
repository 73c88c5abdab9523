package io.layerwise.data.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One streaming pass over a CSV file into float32: every column a feature except an optional label column, kept
 * as text. Cells may be double-quoted (a quoted cell may hold the delimiter; {@code ""} is a quote); a line break
 * inside quotes is not supported. Numbers are parsed from the bytes (see {@link CsvCells#parse}); a defect names the file,
 * line and column. Blank lines are skipped; a UTF-8 byte-order mark is removed.
 */
final class CsvReader {
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    /**
     * @param header      the header's names, or null when the file has none
     * @param labels      the label column's cells, one per row, or null when there is no label column
     * @param lines       the line number of each row, for messages about a row found defective later
     * @param labelColumn the label column's 0-based index, or -1
     */
    record Table(Path file, List<String> header, int rows, int cols, float[] values, String[] labels, int[] lines,
            int labelColumn) {
        /** How a column is named in messages: {@code column 3 ("age")}. */
        String column(int index) {
            return "column " + (index + 1) + (header == null ? "" : " (\"" + header.get(index) + "\")");
        }
    }

    /** Which column holds the label: by header name, by 0-based index, or none. */
    record LabelColumn(String name, int index) {
        static final LabelColumn NONE = new LabelColumn(null, -1);
    }

    private final Path file;
    private final byte delimiter;
    private final boolean hasHeader;
    private final LabelColumn label;
    private byte[] buf = new byte[1 << 20];
    private int pos;
    /** The end (exclusive, before the line break) of the line {@link #nextLine} returned. */
    private int lineEnd;
    private int limit;
    private boolean eof;
    private int lineNo;
    private float[] values = new float[1 << 16];
    private int count;
    private String[] labels;
    private int[] lines = new int[1 << 10];
    private int rows;
    private int fields = -1;
    private int labelIndex = -1;
    private List<String> header;

    private CsvReader(Path file, char delimiter, boolean hasHeader, LabelColumn label) {
        this.file = file;
        this.delimiter = (byte) delimiter;
        this.hasHeader = hasHeader;
        this.label = label;
    }

    static Table read(Path file, char delimiter, boolean header, LabelColumn label) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        return new CsvReader(file, delimiter, header, label).readAll();
    }

    private Table readAll() throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            int start;
            while ((start = nextLine(in)) >= 0) {
                int end = lineEnd; // exclusive
                if (end > start && buf[end - 1] == '\r') {
                    end--;
                }
                if (lineNo == 1 && end - start >= 3 && (buf[start] & 0xff) == 0xEF && (buf[start + 1] & 0xff) == 0xBB
                        && (buf[start + 2] & 0xff) == 0xBF) {
                    start += 3;
                }
                if (CsvCells.blank(buf, start, end)) {
                    continue;
                }
                if (hasHeader && header == null) {
                    readHeader(start, end);
                } else {
                    readRow(start, end);
                }
            }
        }
        if (rows == 0) {
            throw new IOException(file + ": " + (lineNo == 0 ? "empty file" : "no rows of data"
                    + (header != null ? " after the header" : "")));
        }
        if (labelIndex < 0 && label.name() == null && label.index() >= 0) {
            throw new IOException(file + ": has " + fields + " columns, so there is no label column " + label.index()
                    + " (0-based)");
        }
        int cols = labelIndex >= 0 ? fields - 1 : fields;
        if (cols == 0) {
            throw new IOException(file + ": no feature columns besides the label");
        }
        return new Table(file, header, rows, cols, Arrays.copyOf(values, count),
                labels == null ? null : Arrays.copyOf(labels, rows), Arrays.copyOf(lines, rows), labelIndex);
    }

    /** Moves to the next line: returns its start in {@code buf} and sets {@link #lineEnd}; -1 at the end of the file. */
    private int nextLine(InputStream in) throws IOException {
        int start = pos;
        int scan = pos;
        while (true) {
            while (scan < limit && buf[scan] != '\n') {
                scan++;
            }
            if (scan < limit) {
                lineEnd = scan;
                pos = scan + 1;
                lineNo++;
                return start;
            }
            if (eof) {
                if (start == limit) {
                    return -1;
                }
                lineEnd = limit;
                pos = limit;
                lineNo++;
                return start;
            }
            // the line continues past the buffer: keep its start, read more
            int kept = limit - start;
            if (kept == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            } else if (start > 0) {
                System.arraycopy(buf, start, buf, 0, kept);
            }
            scan -= start;
            start = 0;
            limit = kept;
            int n = in.readNBytes(buf, limit, buf.length - limit);
            if (n == 0) {
                eof = true;
            }
            limit += n;
        }
    }

    private void readHeader(int from, int to) throws IOException {
        header = new ArrayList<>();
        int at = from;
        while (true) {
            int end = cellEnd(at, to, header.size());
            header.add(CsvCells.text(buf, at, end));
            if (end >= to) {
                break;
            }
            at = end + 1;
        }
        fields = header.size();
        if (label.index() >= fields) {
            throw new IOException(file + ": line " + lineNo + ": the header has " + fields + " columns, so there is no"
                    + " label column " + label.index() + " (0-based)");
        }
        labelIndex = label.index();
        if (label.name() != null) {
            labelIndex = header.indexOf(label.name());
            if (labelIndex < 0) {
                throw new IOException(file + ": line " + lineNo + ": the header has no column \"" + label.name()
                        + "\" for the label; it has " + header);
            }
        }
    }

    private void readRow(int from, int to) throws IOException {
        if (rows == 0 && header == null) {
            if (label.name() != null) {
                throw new IOException(file + ": the label is named \"" + label.name() + "\" but the file has no header"
                        + " (set header: true, or give the label's 0-based column index)");
            }
        }
        if (rows == lines.length) {
            lines = Arrays.copyOf(lines, rows * 2);
        }
        lines[rows] = lineNo;
        int column = 0;
        int at = from;
        while (true) {
            int end = cellEnd(at, to, column);
            if (fields >= 0 && column >= fields) {
                throw ragged(countCells(from, to));
            }
            if (column == labelIndex || (labelIndex < 0 && column == label.index() && fields < 0)) {
                labelCell(at, end);
            } else {
                if (count == values.length) {
                    if (count == MAX_VALUES) {
                        throw new IOException(file + ": line " + lineNo + ": more than " + MAX_VALUES
                                + " values, more than one array can hold");
                    }
                    values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, 2L * count));
                }
                values[count++] = number(at, end, column);
            }
            column++;
            if (end >= to) {
                break;
            }
            at = end + 1;
        }
        if (fields < 0) {
            fields = column;
            if (label.index() >= 0 && label.index() < fields) {
                labelIndex = label.index();
            }
        } else if (column != fields) {
            throw ragged(column);
        }
        rows++;
    }

    private IOException ragged(int cells) {
        return new IOException(file + ": line " + lineNo + " has " + cells + " columns, expected " + fields
                + (header != null ? " (as the header)" : " (as the first row)"));
    }

    private int countCells(int from, int to) throws IOException {
        int n = 0;
        for (int at = from; ; n++) {
            int end = cellEnd(at, to, n);
            if (end >= to) {
                return n + 1;
            }
            at = end + 1;
        }
    }

    private void labelCell(int from, int to) throws IOException {
        if (labels == null) {
            labels = new String[Math.max(16, lines.length)];
        } else if (rows >= labels.length) {
            labels = Arrays.copyOf(labels, labels.length * 2);
        }
        String t = CsvCells.text(buf, from, to);
        if (t.isEmpty()) {
            throw new IOException(file + ": line " + lineNo + ", " + columnName(labelIndex >= 0 ? labelIndex
                    : label.index()) + ": empty label");
        }
        labels[rows] = t;
    }

    /** The index just past the cell starting at {@code from}: the delimiter, or {@code to}. */
    private int cellEnd(int from, int to, int column) throws IOException {
        int i = from;
        while (i < to && buf[i] == ' ') {
            i++;
        }
        if (i < to && buf[i] == '"') {
            for (i++; i < to; i++) {
                if (buf[i] == '"') {
                    if (i + 1 < to && buf[i + 1] == '"') {
                        i++;
                    } else {
                        break;
                    }
                }
            }
            if (i >= to) {
                throw new IOException(file + ": line " + lineNo + ", " + columnName(column)
                        + ": a quote that is not closed on this line");
            }
        }
        while (i < to && buf[i] != delimiter) {
            i++;
        }
        return i;
    }

    private float number(int from, int to, int column) throws IOException {
        float v = CsvCells.parse(buf, from, to);
        if (!Float.isNaN(v)) {
            return v;
        }
        String cell = CsvCells.text(buf, from, to);
        String problem = cell.isEmpty() ? "empty cell" : "not a finite number: \"" + cell + "\"";
        try {
            if (!cell.isEmpty() && Float.isFinite(Float.parseFloat(cell))) {
                return Float.parseFloat(cell); // quoted, or a form parse does not take
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IOException(file + ": line " + lineNo + ", " + columnName(column) + ": " + problem
                + (rows == 0 && header == null ? " (if this line is a header, set header: true)" : ""));
    }

    private String columnName(int column) {
        return "column " + (column + 1) + (header != null && column < header.size() ? " (\"" + header.get(column)
                + "\")" : "");
    }
}
