package io.layerwise.spark;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.data.FloatMatrix;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stage's input as the platform hands it over ({@code train.rows}, {@code test.rows}): a magic line, the value
 * range, rows, columns, then big-endian float32 values row by row.
 */
final class RowsFile {
    static final String MAGIC = "layerwise-rows 1";

    private RowsFile() {
    }

    record Rows(String range, FloatMatrix matrix) {
    }

    static Rows read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a rows file of this version (starts \"" + magic + "\")");
            }
            String range = in.readUTF();
            int rows = in.readInt();
            int cols = in.readInt();
            float[] v = new float[Math.multiplyExact(rows, cols)];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readFloat();
            }
            return new Rows(range, new FloatMatrix(rows, cols, v));
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": ends early", e);
        }
    }

    /**
     * Shard {@code index} of {@code workers} of a rows file, read by the executor that trains it: the same rows as
     * {@link Shard#split} cuts from the whole file, without the driver shipping them.
     */
    static Shard shard(Path file, int index, int workers) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a rows file of this version (starts \"" + magic + "\")");
            }
            in.readUTF(); // the range: the driver's business
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows < workers) {
                throw new IOException(file + ": " + rows + " rows for " + workers + " workers; each needs at least one");
            }
            int from = Shard.from(rows, workers, index);
            int to = Shard.from(rows, workers, index + 1);
            in.skipNBytes((long) from * cols * Float.BYTES);
            byte[] bytes = new byte[Math.multiplyExact(to - from, cols * Float.BYTES)];
            in.readFully(bytes);
            float[] v = new float[bytes.length / Float.BYTES];
            java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(v); // big-endian, as DataOutput wrote them
            return new Shard(index, to - from, cols, v);
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": ends early", e);
        }
    }

    /** {@code dir/train.rows} and, when present, {@code dir/test.rows} as a data set without labels. */
    static Dataset dataset(Path dir) throws IOException {
        Rows train = read(dir.resolve("train.rows"));
        Path testFile = dir.resolve("test.rows");
        FloatMatrix test = Files.exists(testFile) ? read(testFile).matrix() : null;
        return new Dataset("rows of " + dir, train.matrix(), null, test, null, train.range(), null, null, null, null);
    }
}
