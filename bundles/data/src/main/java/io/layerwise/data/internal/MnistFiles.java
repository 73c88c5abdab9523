package io.layerwise.data.internal;

import io.layerwise.api.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The four MNIST IDX files of one directory. Each is found under its standard name, gzipped or not, and also
 * under the {@code train-images.idx3-ubyte} spelling some mirrors use.
 */
record MnistFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {

    /** The names {@link NpmMnistFetcher} writes and the error messages ask for. */
    static final List<String> STANDARD_NAMES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private static final String[][] STEMS = {
        {"train-images", "idx3-ubyte"}, {"train-labels", "idx1-ubyte"},
        {"t10k-images", "idx3-ubyte"}, {"t10k-labels", "idx1-ubyte"}};

    /**
     * The files in {@code dir}; null when none of the four is there (the caller may fetch them).
     *
     * @throws IOException when some but not all of the four are there
     */
    static MnistFiles find(Path dir) throws IOException {
        Path[] found = new Path[4];
        List<String> missing = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            found[i] = locate(dir, STEMS[i][0], STEMS[i][1]);
            if (found[i] == null) {
                missing.add(STANDARD_NAMES.get(i));
            } else {
                present.add(found[i].getFileName().toString());
            }
        }
        if (present.isEmpty()) {
            return null;
        }
        if (!missing.isEmpty()) {
            throw new IOException(dir + ": holds " + String.join(", ", present) + " but not " + String.join(", ", missing)
                    + " (gzipped or not); add the missing files (in the default data directory, removing the others"
                    + " has the 10,000-digit sample fetched again)");
        }
        return new MnistFiles(found[0], found[1], found[2], found[3]);
    }

    private static Path locate(Path dir, String stem, String kind) {
        for (String name : Arrays.asList(stem + "-" + kind, stem + "-" + kind + ".gz", stem + "." + kind,
                stem + "." + kind + ".gz")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Reads all four files and checks that they agree: as many labels as images, test images of the training
     * shape, at least one training image.
     *
     * @param limit     use only the first {@code limit} training samples (all when there are fewer)
     * @param testLimit the same for the test samples
     * @param note      appended to the description (e.g. that the files were just fetched); may be empty
     */
    Dataset load(int limit, int testLimit, String note) throws IOException {
        IdxReader.Images train = IdxReader.readImageBytes(trainImages);
        int[] trainY = IdxReader.readLabels(trainLabels);
        IdxReader.Images test = IdxReader.readImageBytes(testImages);
        int[] testY = IdxReader.readLabels(testLabels);
        sameCount(trainImages, train.count(), trainLabels, trainY.length);
        sameCount(testImages, test.count(), testLabels, testY.length);
        if (train.count() == 0) {
            throw new IOException(trainImages + ": holds no images (image count 0 at offset 4)");
        }
        if (test.rows() != train.rows() || test.cols() != train.cols()) {
            throw new IOException(testImages + ": images are " + test.rows() + " x " + test.cols() + " (offsets 8, 12) but "
                    + trainImages + " holds " + train.rows() + " x " + train.cols());
        }
        int n = Math.min(limit, train.count());
        int m = Math.min(testLimit, test.count());
        String description = "MNIST " + n + " train / " + m + " test " + train.rows() + "x" + train.cols() + " from "
                + trainImages.getParent() + " (" + trainImages.getFileName() + ", " + testImages.getFileName() + ")"
                + (n < train.count() || m < test.count() ? ", first of " + train.count() + " / " + test.count() : "")
                + (note.isEmpty() ? "" : "; " + note);
        return new Dataset(description, train.toUnitMatrix(n), Arrays.copyOf(trainY, n), test.toUnitMatrix(m),
                Arrays.copyOf(testY, m), Dataset.UNIT, null, null, new int[] {1, train.rows(), train.cols()}, null);
    }

    private static void sameCount(Path images, int imageCount, Path labels, int labelCount) throws IOException {
        if (imageCount != labelCount) {
            throw new IOException(images + ": holds " + imageCount + " images (image count at offset 4) but " + labels
                    + " holds " + labelCount + " labels (label count at offset 4)");
        }
    }
}
