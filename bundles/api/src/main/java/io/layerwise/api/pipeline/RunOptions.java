package io.layerwise.api.pipeline;

import java.nio.file.Path;

/**
 * Overrides given on the command line.
 *
 * @param outDir         run directory; null for {@code runs/<name>-<yyyyMMdd-HHmmss>/}
 * @param epochsOverride every trainable stage's epoch count; 0 keeps the pipeline's
 * @param dataDir        data directory for the pipeline's data source; null for its default
 */
public record RunOptions(Path outDir, int epochsOverride, Path dataDir) {

    public static RunOptions defaults() {
        return new RunOptions(null, 0, null);
    }
}
