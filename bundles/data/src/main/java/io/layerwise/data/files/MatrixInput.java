package io.layerwise.data.files;

import io.layerwise.api.data.FloatMatrix;
import java.nio.file.Path;

/**
 * A matrix read by {@link MatrixFiles#read(Path, boolean)}, with what the reader decided about the file, so that a
 * command can report it: the format, the header line it skipped (0: none), whether it removed a UTF-8 byte-order
 * mark, and a note on anything that looks doubtful but was read as data (null: none).
 */
public record MatrixInput(Path file, FloatMatrix matrix, Format format, int headerLine, boolean byteOrderMark,
        String note) {

    /** How the file was read. */
    public enum Format {
        /** IDX images, pixels / 255. */
        IDX_IMAGES,
        /** Comma-separated numbers, one row per line. */
        CSV
    }

    /**
     * One line for the user, e.g. {@code in.csv: CSV, 3 rows of 784 values, header line 1 skipped (--header), UTF-8
     * byte-order mark removed}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(file).append(": ");
        if (format == Format.IDX_IMAGES) {
            sb.append("IDX images, ").append(matrix.rows()).append(" of ").append(matrix.cols()).append(" pixels");
        } else {
            sb.append("CSV, ").append(matrix.rows()).append(" rows of ").append(matrix.cols()).append(" values, ")
                    .append(headerLine > 0 ? "header line " + headerLine + " skipped (--header)"
                            : "no header line (the first line is data)");
            if (byteOrderMark) {
                sb.append(", UTF-8 byte-order mark removed");
            }
        }
        if (note != null) {
            sb.append("; ").append(note);
        }
        return sb.toString();
    }
}
