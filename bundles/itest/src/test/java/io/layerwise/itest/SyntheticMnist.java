package io.layerwise.itest;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes a small MNIST-shaped data set in IDX format (noisy bars, one orientation per label) for fast runs. */
final class SyntheticMnist {
    private SyntheticMnist() {
    }

    static Path write(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(42);
        writeSet(dir, "train", train, rng);
        writeSet(dir, "t10k", test, rng);
        return dir;
    }

    private static void writeSet(Path dir, String prefix, int n, Random rng) throws IOException {
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(10);
            labels[i] = (byte) label;
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    boolean on = label < 5 ? Math.abs(c - 4 - 4 * label) < 2 : Math.abs(r - 4 - 4 * (label - 5)) < 2;
                    int v = on ? 200 + rng.nextInt(56) : rng.nextInt(20);
                    images[i * 784 + r * 28 + c] = (byte) v;
                }
            }
        }
        try (DataOutputStream out = new DataOutputStream(gz(dir.resolve(prefix + "-images-idx3-ubyte.gz")))) {
            out.writeInt(2051);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            out.write(images);
        }
        try (DataOutputStream out = new DataOutputStream(gz(dir.resolve(prefix + "-labels-idx1-ubyte.gz")))) {
            out.writeInt(2049);
            out.writeInt(n);
            out.write(labels);
        }
    }

    private static OutputStream gz(Path p) throws IOException {
        return new GZIPOutputStream(Files.newOutputStream(p));
    }
}
