package io.layerwise.data.files;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.data.internal.IdxReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Sample matrices in files: IDX images (gzipped or not; pixels / 255, one row per image) or CSV (one row per line,
 * comma-separated finite numbers; a UTF-8 byte-order mark is removed; a header line only when the caller says there
 * is one, never guessed, so that no row of data is ever dropped as a header). Written as CSV with every float32
 * printed so that it reads back to the same bits.
 */
public final class MatrixFiles {
    private static final int IDX_IMAGES_MAGIC = 2051;
    private static final int IDX_LABELS_MAGIC = 2049;
    /** The largest Java array. */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;
    /** U+FEFF at the start of a file: the UTF-8 byte-order mark some editors and spreadsheets write. */
    private static final String BYTE_ORDER_MARK = "\ufeff";

    private MatrixFiles() {
    }

    /** {@link #read(Path, boolean)} of a file without a header line: its matrix. */
    public static FloatMatrix read(Path file) throws IOException {
        return read(file, false).matrix();
    }

    /**
     * Reads IDX images or CSV, told apart by the IDX magic number; a defect names the file and line or offset. With
     * {@code header}, the first non-blank line of a CSV file is a header and skipped (whatever it holds); without, every
     * line is data, and a first line that is not all numbers is an error that suggests {@code --header}. The result
     * says what was decided.
     */
    public static MatrixInput read(Path file, boolean header) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        int magic = idxMagic(file);
        if (magic == IDX_IMAGES_MAGIC) {
            if (header) {
                throw new IOException(file + ": IDX images have no header line; --header is for CSV input");
            }
            return new MatrixInput(file, IdxReader.readImages(file), MatrixInput.Format.IDX_IMAGES, 0, false, null);
        }
        if (magic >= 0) {
            throw new IOException(file + ": an IDX file with magic number " + magic + (magic == IDX_LABELS_MAGIC
                    ? " (labels)" : "") + " at offset 0, not images (magic " + IDX_IMAGES_MAGIC + "); give IDX images or CSV");
        }
        return readCsv(file, header);
    }

    /**
     * The magic number when the file (gunzipped if need be) starts like an IDX file: two zero bytes, an element
     * type code (0x08 to 0x0E) and 1 to 4 dimensions; -1 otherwise.
     */
    private static int idxMagic(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                head = in.readNBytes(4);
            } catch (ZipException | EOFException e) {
                throw new IOException(file + ": starts with the gzip magic but is not valid gzip data: " + e.getMessage(), e);
            }
        }
        if (head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] >= 0x08 && head[2] <= 0x0E && head[3] >= 1
                && head[3] <= 4) {
            return (head[2] & 0xff) << 8 | (head[3] & 0xff);
        }
        return -1;
    }

    static MatrixInput readCsv(Path file, boolean header) throws IOException {
        float[] values = new float[1024];
        int count = 0;
        int rows = 0;
        int cols = -1;
        int lineNo = 0;
        int headerLine = 0;
        int firstDataLine = 0;
        boolean byteOrderMark = false;
        try (Lines in = new Lines(file)) {
            String line;
            while ((line = in.next(lineNo + 1)) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith(BYTE_ORDER_MARK)) {
                    line = line.substring(1);
                    byteOrderMark = true;
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (header && headerLine == 0) {
                    headerLine = lineNo;
                    cols = cells.length;
                    continue;
                }
                if (cols >= 0 && cells.length != cols) {
                    throw new IOException(file + ": line " + lineNo + " has " + cells.length + " values, expected " + cols
                            + (rows == 0 ? " (the header, line " + headerLine + ", has " + cols + ")" : ""));
                }
                cols = cells.length;
                if ((long) count + cols > MAX_VALUES) {
                    throw new IOException(file + ": line " + lineNo + ": more than " + MAX_VALUES
                            + " values, more than one array can hold");
                }
                if (count + cols > values.length) {
                    values = Arrays.copyOf(values, (int) Math.min(MAX_VALUES, Math.max(2L * values.length, count + cols)));
                }
                if (rows == 0) {
                    firstDataLine = lineNo;
                }
                for (int c = 0; c < cols; c++) {
                    String cell = cells[c].strip();
                    float v;
                    try {
                        v = Float.parseFloat(cell);
                    } catch (NumberFormatException e) {
                        // text where the first row should be numbers: most likely a header the caller did not announce
                        throw new IOException(file + ": line " + lineNo + ", column " + (c + 1) + ": not a finite number: \""
                                + cell + "\"" + (rows == 0 && !header ? "; if line " + lineNo + " is a header, give --header" : ""));
                    }
                    if (!Float.isFinite(v)) {
                        throw new IOException(file + ": line " + lineNo + ", column " + (c + 1) + ": not a finite number: \""
                                + cell + "\"");
                    }
                    values[count++] = v;
                }
                rows++;
            }
        }
        if (rows == 0) {
            throw new IOException(file + ": no rows of numbers" + (headerLine > 0 ? " after the header line " + headerLine
                    : "") + " (expected IDX images or CSV)");
        }
        FloatMatrix m = new FloatMatrix(rows, cols, Arrays.copyOf(values, count));
        String note = !header && cols > 1 && countsUp(m) ? "line " + firstDataLine + " reads 0, 1, ..., " + (cols - 1)
                + " like the column names pandas writes; if it is a header, give --header" : null;
        return new MatrixInput(file, m, MatrixInput.Format.CSV, headerLine, byteOrderMark, note);
    }

    /** Whether the first row is 0, 1, ..., cols - 1. */
    private static boolean countsUp(FloatMatrix m) {
        for (int c = 0; c < m.cols(); c++) {
            if (m.get(0, c) != c) {
                return false;
            }
        }
        return true;
    }

    /** The lines of a UTF-8 text file, each decoded strictly, so that binary input is named by its line. */
    private static final class Lines implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean ended;

        Lines(Path file) throws IOException {
            this.file = file;
            this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        }

        /** The next line without its end ({@code \n} or {@code \r\n}), or null at the end of the file. */
        String next(int lineNo) throws IOException {
            if (ended) {
                return null;
            }
            line.reset();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
            ended = b < 0;
            if (ended && line.size() == 0) {
                return null;
            }
            byte[] bytes = line.toByteArray();
            int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            try {
                return utf8.decode(ByteBuffer.wrap(bytes, 0, n)).toString();
            } catch (CharacterCodingException e) {
                throw new IOException(file + ": line " + lineNo + " is not UTF-8 text; expected IDX images (magic "
                        + IDX_IMAGES_MAGIC + ") or CSV", e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Writes one CSV line per row, atomically. */
    public static void writeCsv(FloatMatrix m, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < m.rows(); r++) {
                sb.setLength(0);
                for (int c = 0; c < m.cols(); c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    sb.append(Float.toString(m.get(r, c))); // shortest text that parses back to the same float
                }
                sb.append('\n');
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
    }
}
