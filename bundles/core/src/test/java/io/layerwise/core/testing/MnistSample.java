package io.layerwise.core.testing;

import io.layerwise.api.data.FloatMatrix;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of the IDX format for the reference checks of core and the model bundles (core's test jar): gzip'd
 * unsigned-byte images as pixels / 255.
 */
public final class MnistSample {
    private MnistSample() {
    }

    /** The data directory: {@code -Dlayerwise.mnist=DIR}, else {@code ../shared/data/mnist-sample} of the checkout. */
    public static Path directory() {
        String dir = System.getProperty("layerwise.mnist");
        return dir != null ? Path.of(dir) : Path.of("../../../shared/data/mnist-sample");
    }

    public static FloatMatrix images(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(file + ": magic " + Integer.toHexString(magic) + ", expected 803 (ubyte, 3 dims)");
            }
            int n = in.readInt();
            int cols = in.readInt() * in.readInt();
            byte[] pixels = new byte[n * cols];
            in.readFully(pixels);
            float[] v = new float[pixels.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (pixels[i] & 0xff) / 255f;
            }
            return new FloatMatrix(n, cols, v);
        }
    }
}
