package io.layerwise.spark;

import io.layerwise.api.data.FloatMatrix;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
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
        return read(file, (in, h) -> new Rows(h.range(), new FloatMatrix(h.rows(), h.cols(), floats(in, h.rows(),
                h.cols()))));
    }

    /**
     * Shard {@code index} of {@code workers} of a rows file, read by the executor that trains it: the same rows as
     * {@link Shard#split} cuts from the whole file, without the driver shipping them.
     */
    static Shard shard(Path file, int index, int workers) throws IOException {
        return read(file, (in, h) -> {
            if (h.rows() < workers) {
                throw new IOException(file + ": " + h.rows() + " rows for " + workers
                        + " workers; each needs at least one");
            }
            int from = Shard.from(h.rows(), workers, index);
            int to = Shard.from(h.rows(), workers, index + 1);
            in.skipNBytes((long) from * h.cols() * Float.BYTES);
            return new Shard(index, to - from, h.cols(), floats(in, to - from, h.cols()));
        });
    }

    /** What precedes the values. */
    record Header(String range, int rows, int cols) {
    }

    /** The header alone: what the driver needs of the training rows the executors read. */
    static Header header(Path file) {
        try {
            return read(file, (in, h) -> h);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Body<T> {
        T read(DataInputStream in, Header header) throws IOException;
    }

    /** Checks the magic line, reads the header and hands the stream, at the first value, to {@code body}. */
    private static <T> T read(Path file, Body<T> body) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IOException(file + ": not a rows file of this version (starts \"" + magic + "\")");
            }
            return body.read(in, new Header(in.readUTF(), in.readInt(), in.readInt()));
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": ends early", e);
        }
    }

    /** {@code rows x cols} big-endian float32 values (as DataOutput wrote them), read a chunk of bytes at a time. */
    private static float[] floats(DataInputStream in, int rows, int cols) throws IOException {
        float[] v = new float[Math.multiplyExact(rows, cols)];
        byte[] chunk = new byte[Math.min(v.length, 1 << 18) * Float.BYTES];
        FloatBuffer view = ByteBuffer.wrap(chunk).asFloatBuffer();
        for (int at = 0; at < v.length; ) {
            int count = Math.min(v.length - at, chunk.length / Float.BYTES);
            in.readFully(chunk, 0, count * Float.BYTES);
            view.position(0);
            view.get(v, at, count);
            at += count;
        }
        return v;
    }

    /** {@code dir/test.rows}, or null when the stage has no held-out rows. */
    static FloatMatrix heldOut(Path dir) throws IOException {
        Path testFile = dir.resolve("test.rows");
        return Files.exists(testFile) ? read(testFile).matrix() : null;
    }
}
