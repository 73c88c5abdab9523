package io.layerwise.api.stage;

import io.layerwise.api.data.FloatMatrix;
import java.util.List;

/**
 * A grid of small images that a stage asks the engine to draw into its folder as {@code <name>.png}: each row of
 * {@code tiles} is one image (784 values draw as 28x28), {@code columns} images per grid row, one-pixel gaps.
 *
 * @param name    file stem, letters, digits, '-' or '_' (e.g. {@code whitened}, {@code samples})
 * @param scaling {@link Scaling#UNIT} for values in [0, 1] (0 black, 1 white); {@link Scaling#PER_TILE} to stretch
 *                each image to its own min-max (real-valued data such as whitened inputs or weights)
 * @param rowLabels empty, or one caption per grid row, drawn at its left (e.g. the Gibbs steps of a row of samples)
 *                  (since 1.5)
 */
public record Picture(String name, FloatMatrix tiles, int columns, Scaling scaling, List<String> rowLabels) {

    public enum Scaling { UNIT, PER_TILE }

    /** A picture without row labels. */
    public Picture(String name, FloatMatrix tiles, int columns, Scaling scaling) {
        this(name, tiles, columns, scaling, List.of());
    }

    public Picture {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("picture name must be 1-64 letters, digits, '-' or '_', got " + name);
        }
        if (columns < 1) {
            throw new IllegalArgumentException("picture " + name + ": columns must be >= 1, got " + columns);
        }
        rowLabels = List.copyOf(rowLabels);
        int gridRows = (tiles.rows() + columns - 1) / columns;
        if (!rowLabels.isEmpty() && rowLabels.size() != gridRows) {
            throw new IllegalArgumentException("picture " + name + ": " + rowLabels.size() + " row labels for "
                    + gridRows + " grid rows");
        }
    }
}
