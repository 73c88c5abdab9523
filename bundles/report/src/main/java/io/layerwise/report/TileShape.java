package io.layerwise.report;

/**
 * The shape one vector is drawn in: {@code rows x cols = length}. For a length that is not a square the most
 * square factorisation is used (rows the smaller factor); a prime length becomes a one-row strip.
 */
public record TileShape(int rows, int cols) {

    public TileShape {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("tile shape must be positive, got " + rows + "x" + cols);
        }
    }

    /** 784 -> 28x28, 500 -> 20x25, 13 -> 1x13. */
    public static TileShape forLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("vector length must be positive, got " + length);
        }
        int rows = (int) Math.sqrt(length);
        while (length % rows != 0) {
            rows--;
        }
        return new TileShape(rows, length / rows);
    }

    public int length() {
        return rows * cols;
    }
}
