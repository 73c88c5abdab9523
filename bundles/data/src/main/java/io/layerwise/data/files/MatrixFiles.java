package io.layerwise.data.files;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.data.internal.IdxReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Sample matrices in files: IDX images (gzipped or not; pixels / 255, one row per image) or CSV (one row per line,
 * comma-separated numbers, an optional header line of non-numbers). Written as CSV with every float32 printed so
 * that it reads back to the same bits.
 */
public final class MatrixFiles {
    private static final int IDX_IMAGES_MAGIC = 2051;

    private MatrixFiles() {
    }

    /** Reads IDX images or CSV, told apart by the IDX magic number; a defect names the file and line or offset. */
    public static FloatMatrix read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        return isIdxImages(file) ? IdxReader.readImages(file) : readCsv(file);
    }

    private static boolean isIdxImages(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 4 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                head = in.readNBytes(4);
            }
        }
        return head.length == 4 && ((head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8
                | (head[3] & 0xff)) == IDX_IMAGES_MAGIC;
    }

    static FloatMatrix readCsv(Path file) throws IOException {
        float[] values = new float[1024];
        int count = 0;
        int rows = 0;
        int cols = -1;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (rows == 0 && cols < 0 && !Character.isDigit(firstChar(cells[0])) && firstChar(cells[0]) != '-'
                        && firstChar(cells[0]) != '.') {
                    cols = cells.length; // a header
                    continue;
                }
                if (cols >= 0 && cells.length != cols) {
                    throw new IOException(file + ": line " + lineNo + " has " + cells.length + " values, expected " + cols);
                }
                cols = cells.length;
                if (count + cols > values.length) {
                    values = Arrays.copyOf(values, Math.max(values.length * 2, count + cols));
                }
                for (int c = 0; c < cols; c++) {
                    try {
                        float v = Float.parseFloat(cells[c].strip());
                        if (!Float.isFinite(v)) {
                            throw new NumberFormatException();
                        }
                        values[count++] = v;
                    } catch (NumberFormatException e) {
                        throw new IOException(file + ": line " + lineNo + ", column " + (c + 1) + ": not a finite number: \""
                                + cells[c].strip() + "\"");
                    }
                }
                rows++;
            }
        }
        if (rows == 0) {
            throw new IOException(file + ": no rows of numbers (expected IDX images or CSV)");
        }
        return new FloatMatrix(rows, cols, Arrays.copyOf(values, count));
    }

    private static char firstChar(String cell) {
        String s = cell.strip();
        return s.isEmpty() ? ' ' : s.charAt(0);
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
