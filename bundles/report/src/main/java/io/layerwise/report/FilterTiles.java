package io.layerwise.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pictures of learned filters: each hidden unit's incoming weights drawn as a grey tile, scaled to that tile's
 * own range (its smallest weight black, its largest white), tiles in a near-square grid with one-pixel gaps.
 * Per-tile scaling is what makes the strokes visible whatever the scale of each unit's weights.
 */
public final class FilterTiles {
    private FilterTiles() {
    }

    /**
     * Writes a PNG of the first {@code count} units (fewer if there are fewer), tiles shaped by
     * {@link TileShape#forLength(int) TileShape.forLength(inputs)}, atomically.
     *
     * @param weights row-major {@code inputs x hidden}: the weight from input i to unit j is {@code weights[i * hidden + j]}
     */
    public static void writeFilters(float[] weights, int inputs, int hidden, int count, Path png) throws IOException {
        PngFiles.write(png, render(weights, inputs, hidden, count, TileShape.forLength(inputs)));
    }

    /** The picture {@link #writeFilters} writes, with an explicit tile shape ({@code tile.length() == inputs}). */
    public static BufferedImage render(float[] weights, int inputs, int hidden, int count, TileShape tile) {
        if (inputs < 1 || hidden < 1 || (long) inputs * hidden != weights.length) {
            throw new IllegalArgumentException(inputs + " x " + hidden + " weights do not match " + weights.length + " values");
        }
        if (tile.length() != inputs) {
            throw new IllegalArgumentException("tile " + tile.rows() + "x" + tile.cols() + " does not hold " + inputs + " inputs");
        }
        int units = Math.min(count, hidden);
        TileGrid grid = new TileGrid(tile, units, TileGrid.squareColumns(units));
        float[] column = new float[inputs];
        for (int j = 0; j < units; j++) {
            for (int i = 0; i < inputs; i++) {
                column[i] = weights[i * hidden + j];
            }
            grid.draw(j, Greys.minMax(column));
        }
        return grid.image();
    }
}
