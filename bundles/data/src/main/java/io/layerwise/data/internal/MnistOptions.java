package io.layerwise.data.internal;

import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code data} section of a pipeline for the {@code mnist} source (without {@code source}).
 *
 * @param dir       the directory of the IDX files
 * @param limit     use only the first {@code limit} training samples
 * @param testLimit use only the first {@code testLimit} test samples
 * @param scale     {@link #UNIT} (pixels / 255, in [0, 1]) or {@link #SYMMETRIC} (2 pixels / 255 - 1, in [-1, 1]: the
 *                  normalisation of a network with a tanh output)
 */
record MnistOptions(Path dir, int limit, int testLimit, String scale) {
    static final String SCALE = "scale";
    static final String UNIT = "unit";
    static final String SYMMETRIC = "symmetric";
    static final String DIR = "dir";
    static final String LIMIT = "limit";
    static final String TEST_LIMIT = "testLimit";

    MnistOptions {
        if (!UNIT.equals(scale) && !SYMMETRIC.equals(scale)) {
            throw new IllegalArgumentException("scale must be " + UNIT + " or " + SYMMETRIC + ", got " + scale);
        }
        if (limit < 1 || testLimit < 1) {
            throw new IllegalArgumentException("limits must be positive: " + limit + ", " + testLimit);
        }
    }

    /**
     * Reads the fields; touches no file.
     *
     * @param defaultDir used when {@code dir} is absent
     * @param cwd        a relative {@code dir} resolves against it (the user's working directory)
     */
    static MnistOptions read(Spec spec, Path defaultDir, Path cwd) {
        String text = spec.text(DIR, defaultDir.toString());
        Path dir;
        try {
            dir = cwd.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw new SpecException(spec.pathOf(DIR), "is not a valid path: " + e.getMessage());
        }
        int limit = spec.integer(LIMIT, Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        int testLimit = spec.integer(TEST_LIMIT, Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        String scale = spec.choice(SCALE, UNIT, UNIT, SYMMETRIC);
        return new MnistOptions(dir, limit, testLimit, scale);
    }
}
