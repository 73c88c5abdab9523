package io.layerwise.api.pipeline;

import java.nio.file.Path;

/** What {@link PipelineRunner#encode} wrote: {@code rows} lines of {@code cols} values, the code of stage {@code layer}. */
public record Encoding(Path output, int rows, int cols, int layer, boolean reconstruction) {
}
