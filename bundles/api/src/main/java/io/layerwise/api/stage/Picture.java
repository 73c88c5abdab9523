package io.layerwise.api.stage;

import io.layerwise.api.data.FloatMatrix;

/**
 * A grid of small images that a stage asks the engine to draw into its folder as {@code <name>.png}: each row of
 * {@code tiles} is one image (784 values draw as 28x28), {@code columns} images per grid row, one-pixel gaps.
 *
 * @param name    file stem, letters, digits, '-' or '_' (e.g. {@code whitened}, {@code samples})
 * @param scaling {@link Scaling#UNIT} for values in [0, 1] (0 black, 1 white); {@link Scaling#PER_TILE} to stretch
 *                each image to its own min-max (real-valued data such as whitened inputs or weights)
 */
public record Picture(String name, FloatMatrix tiles, int columns, Scaling scaling) {

    public enum Scaling { UNIT, PER_TILE }

    public Picture {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("picture name must be 1-64 letters, digits, '-' or '_', got " + name);
        }
        if (columns < 1) {
            throw new IllegalArgumentException("picture " + name + ": columns must be >= 1, got " + columns);
        }
    }
}
