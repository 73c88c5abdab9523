package io.layerwise.data.internal;

import io.layerwise.data.files.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files in the layout {@link IdxReader} reads, gzipped when the name ends in {@code .gz}, each
 * atomically (temporary name, then rename).
 */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes {@code count} images of {@code rows x cols} unsigned-byte pixels, row-major, image after image. */
    public static void writeImages(Path file, byte[] pixels, int count, int rows, int cols) throws IOException {
        if (count < 0 || rows < 1 || cols < 1 || (long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(count + " x " + rows + " x " + cols + " images do not match "
                    + pixels.length + " pixels");
        }
        write(file, out -> {
            out.writeInt(IdxReader.IMAGES_MAGIC);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        });
    }

    /** Writes labels, one byte each; every label must be in 0..9. */
    public static void writeLabels(Path file, byte[] labels) throws IOException {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside 0..9");
            }
        }
        write(file, out -> {
            out.writeInt(IdxReader.LABELS_MAGIC);
            out.writeInt(labels.length);
            out.write(labels);
        });
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static void write(Path file, Body body) throws IOException {
        boolean gz = file.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(file, raw -> {
            OutputStream sink = gz ? new GZIPOutputStream(raw, 1 << 16) : raw;
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 16));
            body.write(out);
            out.flush();
            if (sink instanceof GZIPOutputStream g) {
                g.finish(); // the trailer; AtomicFiles closes the underlying stream
            }
        });
    }
}
