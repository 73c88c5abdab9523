package io.layerwise.api.pipeline;

import java.nio.file.Path;

/**
 * Overrides given on the command line.
 *
 * @param outDir         run directory; null for {@code runs/<name>-<yyyyMMdd-HHmmss>/}
 * @param epochsOverride every trainable stage's epoch count; 0 keeps the pipeline's
 * @param dataDir        data directory for the pipeline's data source; null for its default
 * @param sparkMaster    train on Spark with this master ({@code local[N]}, {@code spark://host:port}) whatever the
 *                       pipeline's {@code execution} section says; null keeps the section (since 1.5)
 */
public record RunOptions(Path outDir, int epochsOverride, Path dataDir, String sparkMaster) {

    /** The options of API 1.4, before {@code sparkMaster}: the pipeline's own {@code execution} section applies. */
    public RunOptions(Path outDir, int epochsOverride, Path dataDir) {
        this(outDir, epochsOverride, dataDir, null);
    }

    public static RunOptions defaults() {
        return new RunOptions(null, 0, null, null);
    }
}
