package io.layerwise.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Pictures of samples (inputs, reconstructions): each row of a row-major matrix with values in [0, 1] drawn as
 * a grey tile on an absolute scale (0 black, 1 white), so that a faint reconstruction looks faint.
 */
public final class ImageTiles {
    private ImageTiles() {
    }

    /**
     * Writes a PNG of the first {@code count} rows (fewer if there are fewer) in a near-square grid, tiles shaped
     * by {@link TileShape#forLength(int) TileShape.forLength(cols)}, atomically.
     */
    public static void writeImages(float[] data, int rows, int cols, int count, Path png) throws IOException {
        int n = Math.min(count, rows);
        PngFiles.write(png, render(data, rows, cols, count, TileShape.forLength(cols), TileGrid.squareColumns(n)));
    }

    /**
     * The first {@code count} rows with an explicit tile shape and number of tiles per grid row (e.g. 2 * k to
     * put k originals and their reconstructions side by side, interleaved by the caller).
     */
    public static BufferedImage render(float[] data, int rows, int cols, int count, TileShape tile, int gridCols) {
        return render(data, rows, cols, count, tile, gridCols, false);
    }

    /** As {@link #render(float[], int, int, int, TileShape, int)}; {@code perTile} stretches each row to its own min-max. */
    public static BufferedImage render(float[] data, int rows, int cols, int count, TileShape tile, int gridCols,
            boolean perTile) {
        if (rows < 1 || cols < 1 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException(rows + " x " + cols + " samples do not match " + data.length + " values");
        }
        if (tile.length() != cols) {
            throw new IllegalArgumentException("tile " + tile.rows() + "x" + tile.cols() + " does not hold " + cols + " values");
        }
        int n = Math.min(count, rows);
        TileGrid grid = new TileGrid(tile, n, gridCols);
        for (int r = 0; r < n; r++) {
            grid.draw(r, perTile ? Greys.minMax(java.util.Arrays.copyOfRange(data, r * cols, (r + 1) * cols))
                    : Greys.unit(data, r * cols, cols));
        }
        return grid.image();
    }
}
