package io.layerwise.report;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;

/**
 * A grey image of {@code count} tiles in rows of {@code gridCols}, one black pixel between neighbours: the
 * layout of the Theano tutorials' {@code tile_raster_images}.
 */
final class TileGrid {
    private final TileShape tile;
    private final int gridCols;
    private final BufferedImage image;
    private final WritableRaster raster;

    TileGrid(TileShape tile, int count, int gridCols) {
        if (count < 1 || gridCols < 1) {
            throw new IllegalArgumentException("need at least one tile and one column, got " + count + ", " + gridCols);
        }
        this.tile = tile;
        this.gridCols = Math.min(gridCols, count);
        int gridRows = (count + this.gridCols - 1) / this.gridCols;
        long width = (long) this.gridCols * (tile.cols() + 1) - 1;
        long height = (long) gridRows * (tile.rows() + 1) - 1;
        if (width * height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a " + width + " x " + height + " picture is too large");
        }
        this.image = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_BYTE_GRAY);
        this.raster = image.getRaster();
    }

    /** The default layout: as many columns as rows, or one more (10 x 10 for 100 tiles). */
    static int squareColumns(int count) {
        return (int) Math.ceil(Math.sqrt(count));
    }

    /** Draws tile {@code index} from {@code greys} (row-major, one 0..255 value per pixel). */
    void draw(int index, int[] greys) {
        int x0 = (index % gridCols) * (tile.cols() + 1);
        int y0 = (index / gridCols) * (tile.rows() + 1);
        raster.setPixels(x0, y0, tile.cols(), tile.rows(), greys);
    }

    BufferedImage image() {
        return image;
    }
}
