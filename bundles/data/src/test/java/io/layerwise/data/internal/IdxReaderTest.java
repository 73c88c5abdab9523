package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    static byte[] header(int... ints) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        for (int i : ints) {
            out.writeInt(i);
        }
        return b.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(raw);
        }
        return b.toByteArray();
    }

    Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    IOException failure(Executable e) {
        return assertThrows(IOException.class, e::run);
    }

    interface Executable {
        void run() throws IOException;
    }

    @Test
    void readsPlainImagesAsPixelsOver255() throws IOException {
        byte[] pixels = {0, (byte) 255, 51, 102, 1, 2};
        Path f = file("train-images-idx3-ubyte", concat(header(2051, 2, 1, 3), pixels));
        FloatMatrix m = IdxReader.readImages(f);
        assertEquals(2, m.rows());
        assertEquals(3, m.cols());
        assertEquals(0f, m.get(0, 0));
        assertEquals(1f, m.get(0, 1));
        assertEquals(0.2f, m.get(0, 2), 1e-7);
        assertEquals(2 / 255f, m.get(1, 2), 1e-7);
    }

    @Test
    void readsGzippedFilesWhateverTheirName() throws IOException {
        byte[] raw = concat(header(2049, 4), new byte[] {0, 9, 3, 7});
        assertArrayEquals(new int[] {0, 9, 3, 7}, IdxReader.readLabels(file("labels.gz", gzip(raw))));
        assertArrayEquals(new int[] {0, 9, 3, 7}, IdxReader.readLabels(file("labels-no-suffix", gzip(raw))));
        assertArrayEquals(new int[] {0, 9, 3, 7}, IdxReader.readLabels(file("plain.gz", raw)));
    }

    @Test
    void writerAndReaderRoundTripPlainAndGzipped() throws IOException {
        byte[] pixels = new byte[5 * 4 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        byte[] labels = {1, 2, 3, 4, 9};
        for (String suffix : new String[] {"", ".gz"}) {
            Path images = dir.resolve("images" + suffix);
            Path lab = dir.resolve("labels" + suffix);
            IdxWriter.writeImages(images, pixels, 5, 4, 3);
            IdxWriter.writeLabels(lab, labels);
            IdxReader.Images back = IdxReader.readImageBytes(images);
            assertEquals(5, back.count());
            assertEquals(4, back.rows());
            assertEquals(3, back.cols());
            assertArrayEquals(pixels, back.pixels());
            assertArrayEquals(new int[] {1, 2, 3, 4, 9}, IdxReader.readLabels(lab));
            assertEquals(suffix.equals(".gz"), (Files.readAllBytes(images)[0] & 0xff) == 0x1f);
        }
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "no temporary files are left behind");
        }
    }

    @Test
    void wrongMagicNamesFileOffsetAndExpectation() throws IOException {
        Path f = file("train-labels-idx1-ubyte.gz", gzip(concat(header(2051, 1, 1, 1), new byte[1])));
        IOException e = failure(() -> IdxReader.readLabels(f));
        assertEquals(f + ": wrong magic number 2051 at offset 0 (expected 2049 for labels) (that is the magic of an images file)",
                e.getMessage());
    }

    @Test
    void truncatedPlainFileIsRejectedBeforeReading() throws IOException {
        Path f = file("images", concat(header(2051, 3, 2, 2), new byte[11]));
        IOException e = failure(() -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": truncated: header claims 3 images x 2 x 2 = 12 bytes after offset 16"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("file ends at offset 27"), e.getMessage());
    }

    @Test
    void truncatedGzippedFileNamesTheDecompressedOffset() throws IOException {
        Path f = file("images.gz", gzip(concat(header(2051, 3, 2, 2), new byte[11])));
        IOException e = failure(() -> IdxReader.readImages(f));
        assertEquals(f + ": truncated: expected 12 bytes after offset 16, but the decompressed data ends at offset 27",
                e.getMessage());
    }

    @Test
    void cutGzipStreamIsReportedWithTheFile() throws IOException {
        byte[] pixels = new byte[78400];
        new java.util.Random(1).nextBytes(pixels); // incompressible, so half the file is half the data
        byte[] gz = gzip(concat(header(2051, 100, 28, 28), pixels));
        Path f = file("images.gz", Arrays.copyOf(gz, gz.length / 2));
        IOException e = failure(() -> IdxReader.readImages(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void headerEndingEarlyNamesTheMissingField() throws IOException {
        Path f = file("images", header(2051, 3));
        assertEquals(f + ": truncated: the file ends before the row count at offset 8",
                failure(() -> IdxReader.readImages(f)).getMessage());
    }

    @Test
    void trailingGarbageIsRejected() throws IOException {
        byte[] raw = concat(header(2049, 2), new byte[] {1, 2, 3});
        Path plain = file("labels", raw);
        assertTrue(failure(() -> IdxReader.readLabels(plain)).getMessage()
                .startsWith(plain + ": trailing garbage: header claims 2 labels = 2 bytes, so the data ends at offset 10"));
        Path gz = file("labels.gz", gzip(raw));
        assertEquals(gz + ": trailing garbage after the data, at offset 10 of the decompressed data",
                failure(() -> IdxReader.readLabels(gz)).getMessage());
    }

    @Test
    void labelOutsideZeroToNineNamesOffsetAndRecord() throws IOException {
        Path f = file("labels", concat(header(2049, 3), new byte[] {4, 12, 1}));
        assertEquals(f + ": label 12 at offset 9 (record 1) is outside 0..9", failure(() -> IdxReader.readLabels(f)).getMessage());
    }

    @Test
    void headerClaimingTenToTheTwelveValuesIsRejectedWithoutAllocating() throws IOException {
        // 10^6 images of 1000 x 1000: 10^12 bytes, in a file of a few bytes
        byte[] raw = concat(header(2051, 1_000_000, 1000, 1000), new byte[16]);
        Path plain = file("images", raw);
        Path gz = file("images.gz", gzip(raw));
        for (Path f : new Path[] {plain, gz}) {
            IOException e = failure(() -> IdxReader.readImages(f));
            assertTrue(e.getMessage().startsWith(f + ": header claims 1000000 images x 1000 x 1000 = 1000000000000 values"),
                    e.getMessage());
        }
    }

    @Test
    void gzippedHeaderClaimingMoreThanDeflateCanHoldIsRejected() throws IOException {
        // 10^8 bytes fit in an array, but not in a gzip file of ~40 bytes
        Path f = file("images.gz", gzip(concat(header(2051, 100_000, 100, 10), new byte[10])));
        IOException e = failure(() -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("more than a gzip file of"), e.getMessage());
    }

    @Test
    void negativeOrZeroDimensionsAreRejected() throws IOException {
        Path neg = file("a", concat(header(2051, -1, 28, 28), new byte[0]));
        assertEquals(neg + ": image count 4294967295 at offset 4 must be at least 0 and below 2^31",
                failure(() -> IdxReader.readImages(neg)).getMessage());
        Path zero = file("b", header(2051, 1, 0, 28));
        assertEquals(zero + ": row count 0 at offset 8 must be at least 1", failure(() -> IdxReader.readImages(zero)).getMessage());
    }

    @Test
    void emptyAndNonIdxFilesAreRejected() throws IOException {
        Path empty = file("empty", new byte[0]);
        assertEquals(empty + ": truncated: the file ends before the magic number at offset 0",
                failure(() -> IdxReader.readLabels(empty)).getMessage());
        Path badGzip = file("bad.gz", new byte[] {0x1f, (byte) 0x8b, 1});
        assertTrue(failure(() -> IdxReader.readLabels(badGzip)).getMessage().startsWith(badGzip + ": "));
    }
}
