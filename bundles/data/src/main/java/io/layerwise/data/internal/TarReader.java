package io.layerwise.data.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of a tar reader for an npm package (a gzipped ustar archive): 512-byte headers, regular files
 * handed to a visitor, every other entry skipped. No file is ever written, so no path in the archive matters.
 */
final class TarReader {
    private static final int BLOCK = 512;

    private TarReader() {
    }

    interface Visitor {
        /** One regular file; {@code content} ends after {@code size} bytes and need not be read to the end. */
        void file(String name, long size, InputStream content) throws IOException;
    }

    static void readTgz(Path tgz, Visitor visitor) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz)), 1 << 16)) {
            read(in, tgz.toString(), visitor);
        } catch (EOFException e) {
            throw new IOException(tgz + ": truncated archive", e);
        }
    }

    static void read(InputStream tar, String label, Visitor visitor) throws IOException {
        DataInputStream in = new DataInputStream(tar);
        byte[] header = new byte[BLOCK];
        long offset = 0;
        while (true) {
            in.readFully(header);
            if (isZero(header)) {
                return; // end-of-archive marker
            }
            verifyChecksum(header, label, offset);
            long size = octal(header, 124, 12, label, offset);
            char type = (char) header[156];
            offset += BLOCK;
            Bounded content = new Bounded(in, size);
            if (type == '0' || type == '\0') {
                visitor.file(name(header), size, content);
            }
            content.skipRest();
            long padding = (BLOCK - size % BLOCK) % BLOCK;
            in.skipNBytes(padding);
            offset += size + padding;
        }
    }

    private static String name(byte[] h) {
        String name = text(h, 0, 100);
        boolean ustar = text(h, 257, 6).startsWith("ustar");
        String prefix = ustar ? text(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String text(byte[] h, int from, int len) {
        int end = from;
        while (end < from + len && h[end] != 0) {
            end++;
        }
        return new String(h, from, end - from, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int from, int len, String label, long offset) throws IOException {
        String s = text(h, from, len).trim();
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '7') || s.length() > 11) {
            throw new IOException(label + ": bad octal field \"" + s + "\" in the tar header at offset " + (offset + from));
        }
        return Long.parseLong(s, 8);
    }

    private static void verifyChecksum(byte[] h, String label, long offset) throws IOException {
        long expected = octal(h, 148, 8, label, offset);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : h[i] & 0xff;
        }
        if (sum != expected) {
            throw new IOException(label + ": tar header checksum mismatch at offset " + offset);
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The content of one entry: at most {@code remaining} bytes; close does not close the archive. */
    private static final class Bounded extends FilterInputStream {
        private long remaining;

        Bounded(InputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("archive ends inside an entry");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("archive ends inside an entry");
            }
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public void close() {
            // the archive stays open for the next entry
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void skipRest() throws IOException {
            in.skipNBytes(remaining);
            remaining = 0;
        }
    }
}
