package io.layerwise.data.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file opened for reading, plain or gzipped (told apart by the gzip magic, not by the name), that
 * counts the bytes it has read so that every error can name the file and the offset. For a gzipped file the
 * offsets count decompressed bytes.
 */
final class IdxInput implements AutoCloseable {
    /** The largest Java array; a claim beyond it is absurd whatever the file. */
    static final long MAX_VALUES = Integer.MAX_VALUE - 8;
    /** Deflate expands by at most about 1032:1, so a gzip file of L bytes cannot hold more than this * L. */
    static final long MAX_DEFLATE_RATIO = 1032;

    private final Path file;
    private final long fileLength;
    private final boolean gzipped;
    private final DataInputStream in;
    private long offset;

    private IdxInput(Path file, long fileLength, boolean gzipped, InputStream in) {
        this.file = file;
        this.fileLength = fileLength;
        this.gzipped = gzipped;
        this.in = new DataInputStream(in);
    }

    static IdxInput open(Path file) throws IOException {
        long length = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream body = gz ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            return new IdxInput(file, length, gz, body);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new IOException(file + ": starts with the gzip magic but has no valid gzip header: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Reads the 4-byte magic number at offset 0 and checks it. */
    void expectMagic(int expected, String what, int other, String otherWhat) throws IOException {
        int magic = readInt("magic number");
        if (magic != expected) {
            String hint = magic == other ? " (that is the magic of " + otherWhat + ")" : "";
            throw error("wrong magic number " + magic + " at offset 0 (expected " + expected + " for " + what + ")" + hint);
        }
    }

    /** Reads the 4-byte magic number at offset 0 as it is. */
    int readMagic() throws IOException {
        return readInt("magic number");
    }

    /** Reads a 32-bit big-endian dimension and checks that it is at least {@code min}. */
    int dimension(String field, int min) throws IOException {
        long at = offset;
        int v = readInt(field);
        if (v < min) {
            throw error(field + " " + Integer.toUnsignedString(v) + " at offset " + at + " must be at least " + min
                    + (v < 0 ? " and below 2^31" : ""));
        }
        return v;
    }

    /**
     * Checks a header's claim of {@code bytes} payload bytes before anything is allocated: exactly the rest of
     * a plain file, and for a gzipped file no more than the array limit and what deflate could expand to.
     */
    void checkClaim(long bytes, String claim) throws IOException {
        checkCap(bytes, claim);
        if (!gzipped) {
            long rest = fileLength - offset;
            if (rest < bytes) {
                throw error("truncated: header claims " + claim + " = " + bytes + " bytes after offset " + offset
                        + ", but the file ends at offset " + fileLength);
            }
            if (rest > bytes) {
                throw error("trailing garbage: header claims " + claim + " = " + bytes + " bytes, so the data ends at offset "
                        + (offset + bytes) + ", but the file has " + (rest - bytes) + " more bytes");
            }
        } else if (bytes > MAX_DEFLATE_RATIO * fileLength) {
            throw error("header claims " + claim + " = " + bytes + " bytes, more than a gzip file of " + fileLength
                    + " bytes can expand to; the header is corrupt");
        }
    }

    /** Checks a claimed number of values against the largest array. */
    void checkCap(long values, String claim) throws IOException {
        if (values > MAX_VALUES) {
            throw error("header claims " + claim + " = " + values + " values, more than the " + MAX_VALUES
                    + " one array can hold; the header is corrupt");
        }
    }

    /**
     * Reads exactly {@code bytes} payload bytes (already checked by {@link #checkClaim}). A gzipped payload is
     * read into a buffer that grows with the data actually present, so a lying header costs no large allocation.
     */
    byte[] readPayload(int bytes) throws IOException {
        byte[] buf = new byte[gzipped ? Math.min(bytes, 1 << 20) : bytes];
        int filled = 0;
        long start = offset;
        try {
            while (filled < bytes) {
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(bytes, 2L * buf.length));
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    throw error("truncated: expected " + bytes + " bytes after offset " + start + ", but the "
                            + (gzipped ? "decompressed data ends" : "file ends") + " at offset " + offset);
                }
                filled += n;
                offset += n;
            }
        } catch (ZipException | EOFException e) {
            throw corrupt(e);
        }
        return buf;
    }

    /** Checks that nothing follows the payload. */
    void expectEnd() throws IOException {
        try {
            if (in.read() >= 0) {
                throw error("trailing garbage after the data, at offset " + offset
                        + (gzipped ? " of the decompressed data" : ""));
            }
        } catch (ZipException | EOFException e) {
            throw corrupt(e);
        }
    }

    IOException error(String problem) {
        return new IOException(file + ": " + problem);
    }

    private int readInt(String field) throws IOException {
        try {
            int v = in.readInt();
            offset += 4;
            return v;
        } catch (EOFException e) {
            throw error("truncated: the " + (gzipped ? "decompressed data ends" : "file ends") + " before the "
                    + field + " at offset " + offset);
        } catch (ZipException e) {
            throw corrupt(e);
        }
    }

    private IOException corrupt(IOException e) {
        String what = e instanceof EOFException ? "truncated gzip data" : "corrupt gzip data";
        return new IOException(file + ": " + what + " near decompressed offset " + offset + ": " + e.getMessage(), e);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
