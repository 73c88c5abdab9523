package io.layerwise.api.stage;

import java.util.Arrays;

/**
 * One named parameter array of a stage (weights, biases), row-major, as saved in a model directory.
 *
 * @param shape dimensions, e.g. {@code {784, 500}} for a weight matrix, {@code {500}} for a bias
 */
public record Parameter(String name, int[] shape, float[] values) {

    public Parameter {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + values.length);
        }
    }

    /** The transpose of a matrix parameter, under a new name (a decoder from an encoder's weights). */
    public Parameter transposed(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(name + Arrays.toString(shape) + " is not a matrix");
        }
        int rows = shape[0];
        int cols = shape[1];
        float[] t = new float[values.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = values[i * cols + j];
            }
        }
        return new Parameter(newName, new int[] {cols, rows}, t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameter p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && Arrays.equals(p.values, values);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
