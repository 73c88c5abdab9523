package io.layerwise.api.data;

import java.util.Arrays;

/**
 * A dense row-major float32 matrix: one sample per row. The plain value that passes between stages, data
 * sources and the engine, so that the API does not tie plug-ins to one array library.
 */
public record FloatMatrix(int rows, int cols, float[] data) {

    public FloatMatrix {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("shape " + rows + "x" + cols + " needs " + (long) rows * cols
                    + " values, got " + data.length);
        }
    }

    public static FloatMatrix zeros(int rows, int cols) {
        return new FloatMatrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    /** Rows [from, to) as a new matrix. */
    public FloatMatrix rows(int from, int to) {
        return new FloatMatrix(to - from, cols, Arrays.copyOfRange(data, from * cols, to * cols));
    }

    /** The given rows, in the given order, as a new matrix. */
    public FloatMatrix select(int[] rowIndices) {
        float[] out = new float[rowIndices.length * cols];
        for (int i = 0; i < rowIndices.length; i++) {
            System.arraycopy(data, rowIndices[i] * cols, out, i * cols, cols);
        }
        return new FloatMatrix(rowIndices.length, cols, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + "x" + cols + "]";
    }
}
