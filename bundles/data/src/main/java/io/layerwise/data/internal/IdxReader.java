package io.layerwise.data.internal;

import io.layerwise.api.data.FloatMatrix;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads MNIST-style IDX files, plain or gzipped: images (magic 2051: count, rows, cols as 32-bit big-endian,
 * then one unsigned byte per pixel) and labels (magic 2049: count, then one byte 0..9 per record). Every header
 * field is checked before the payload is allocated, and every defect is an {@link IOException} naming the file
 * and the offset or field.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 2051;
    public static final int LABELS_MAGIC = 2049;

    private static final float[] UNIT = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            UNIT[i] = i / 255f;
        }
    }

    private IdxReader() {
    }

    /** The images as raw bytes, with their shape. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        /** One row per image, pixel / 255 as float32 in [0, 1]. */
        public FloatMatrix toUnitMatrix() {
            return toUnitMatrix(count);
        }

        /** The first {@code n} images (all when there are fewer) as {@link #toUnitMatrix()} does. */
        public FloatMatrix toUnitMatrix(int n) {
            int take = Math.min(n, count);
            float[] out = new float[take * rows * cols];
            for (int i = 0; i < out.length; i++) {
                out[i] = UNIT[pixels[i] & 0xff];
            }
            return new FloatMatrix(take, rows * cols, out);
        }
    }

    /** Reads an images file: one row per image, pixel / 255 in [0, 1], {@code rows * cols} columns. */
    public static FloatMatrix readImages(Path file) throws IOException {
        return readImageBytes(file).toUnitMatrix();
    }

    /** Reads an images file as its raw bytes. */
    public static Images readImageBytes(Path file) throws IOException {
        try (IdxInput in = IdxInput.open(file)) {
            in.expectMagic(IMAGES_MAGIC, "images", LABELS_MAGIC, "a labels file");
            int count = in.dimension("image count", 0);
            int rows = in.dimension("row count", 1);
            int cols = in.dimension("column count", 1);
            long pixelsPerImage = (long) rows * cols;
            in.checkCap(pixelsPerImage, rows + " x " + cols + " pixels per image");
            String claim = count + " images x " + rows + " x " + cols;
            long total = pixelsPerImage * count; // < 2^31 * 2^31: no overflow
            in.checkClaim(total, claim);
            byte[] pixels = in.readPayload((int) total);
            in.expectEnd();
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Reads a labels file; every label must be in 0..9. */
    public static int[] readLabels(Path file) throws IOException {
        try (IdxInput in = IdxInput.open(file)) {
            in.expectMagic(LABELS_MAGIC, "labels", IMAGES_MAGIC, "an images file");
            int count = in.dimension("label count", 0);
            in.checkClaim(count, count + " labels");
            byte[] raw = in.readPayload(count);
            in.expectEnd();
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                int label = raw[i] & 0xff;
                if (label > 9) {
                    throw in.error("label " + label + " at offset " + (8 + i) + " (record " + i + ") is outside 0..9");
                }
                labels[i] = label;
            }
            return labels;
        }
    }
}
