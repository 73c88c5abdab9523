package io.layerwise.api.pipeline;

import java.nio.file.Path;

/**
 * What {@link PipelineRunner#encode} wrote: {@code rows} lines of {@code cols} values, the code of stage {@code layer};
 * {@code input} says in one line how the input file was read (format, rows, header line skipped or not, byte-order mark
 * removed), so that a command can report what it decided.
 */
public record Encoding(Path output, int rows, int cols, int layer, boolean reconstruction, String input) {

    /** Without a description of the input (before 1.4). */
    public Encoding(Path output, int rows, int cols, int layer, boolean reconstruction) {
        this(output, rows, cols, layer, reconstruction, null);
    }
}
