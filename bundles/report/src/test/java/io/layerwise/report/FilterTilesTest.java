package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterTilesTest {
    @TempDir
    Path dir;

    static float[] randomWeights(int inputs, int hidden) {
        Random r = new Random(3);
        float[] w = new float[inputs * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    @Test
    void hundredUnitsOf28By28Make289PixelSquarePng() throws IOException {
        Path png = dir.resolve("filters.png");
        FilterTiles.writeFilters(randomWeights(784, 500), 784, 500, 100, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(289, img.getWidth());
        assertEquals(289, img.getHeight());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left");
        }
    }

    @Test
    void eachUnitIsScaledToItsOwnMinAndMax() {
        int inputs = 4;
        int hidden = 3;
        // unit 0: 0, 1, 2, 3 (row-major inputs x hidden, so w[i * hidden + j]); unit 1: -8 .. 4; unit 2: tiny
        float[] w = new float[inputs * hidden];
        float[][] units = {{0, 1, 2, 3}, {4, -8, 1, -2}, {1e-6f, 2e-6f, 0, 3e-6f}};
        for (int j = 0; j < hidden; j++) {
            for (int i = 0; i < inputs; i++) {
                w[i * hidden + j] = units[j][i];
            }
        }
        Raster r = FilterTiles.render(w, inputs, hidden, 3, new TileShape(2, 2)).getRaster();
        // 2 x 2 grid of 2x2 tiles with a 1-pixel gap: 5 x 5 pixels
        assertEquals(5, r.getWidth());
        assertEquals(5, r.getHeight());
        assertEquals(0, r.getSample(0, 0, 0));
        assertEquals(85, r.getSample(1, 0, 0));
        assertEquals(170, r.getSample(0, 1, 0));
        assertEquals(255, r.getSample(1, 1, 0));
        assertEquals(255, r.getSample(3, 0, 0), "unit 1 max 4 -> white");
        assertEquals(0, r.getSample(4, 0, 0), "unit 1 min -8 -> black");
        assertEquals(Math.round(255 * 9 / 12.0), r.getSample(3, 1, 0));
        assertEquals(255, r.getSample(1, 4, 0), "tiny weights still span the full range");
        assertEquals(0, r.getSample(2, 0, 0), "gap column is black");
        assertEquals(0, r.getSample(4, 4, 0), "unused grid cell is black");
    }

    @Test
    void constantWeightsDoNotDivideByZero() {
        float[] w = new float[784 * 2];
        java.util.Arrays.fill(w, 0.7f);
        Raster r = FilterTiles.render(w, 784, 2, 2, TileShape.forLength(784)).getRaster();
        for (int y = 0; y < r.getHeight(); y++) {
            for (int x = 0; x < r.getWidth(); x++) {
                assertEquals(0, r.getSample(x, y, 0));
            }
        }
    }

    @Test
    void nonFiniteWeightsAreBlackAndDoNotSpoilTheScale() {
        float[] w = {Float.NaN, 1, 3, Float.POSITIVE_INFINITY};
        Raster r = FilterTiles.render(w, 4, 1, 1, new TileShape(2, 2)).getRaster();
        assertEquals(0, r.getSample(0, 0, 0));
        assertEquals(0, r.getSample(1, 0, 0));
        assertEquals(255, r.getSample(0, 1, 0));
        assertEquals(0, r.getSample(1, 1, 0));
    }

    @Test
    void fewerUnitsShrinkTheGrid() {
        BufferedImage seven = FilterTiles.render(randomWeights(784, 7), 784, 7, 100, TileShape.forLength(784));
        assertEquals(3 * 28 + 2, seven.getWidth());
        assertEquals(3 * 28 + 2, seven.getHeight());
        BufferedImage one = FilterTiles.render(randomWeights(784, 1), 784, 1, 100, TileShape.forLength(784));
        assertEquals(28, one.getWidth());
        assertEquals(28, one.getHeight());
        BufferedImage twelve = FilterTiles.render(randomWeights(784, 12), 784, 12, 100, TileShape.forLength(784));
        assertEquals(4 * 28 + 3, twelve.getWidth());
        assertEquals(3 * 28 + 2, twelve.getHeight());
    }

    @Test
    void nonSquareInputsUseTheMostSquareFactorisationOrAStrip() {
        assertEquals(new TileShape(28, 28), TileShape.forLength(784));
        assertEquals(new TileShape(20, 25), TileShape.forLength(500));
        assertEquals(new TileShape(1, 13), TileShape.forLength(13));
        BufferedImage img = FilterTiles.render(randomWeights(500, 4), 500, 4, 4, TileShape.forLength(500));
        assertEquals(2 * 25 + 1, img.getWidth());
        assertEquals(2 * 20 + 1, img.getHeight());
    }

    @Test
    void mismatchedShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> FilterTiles.render(new float[10], 784, 2, 2, TileShape.forLength(784)));
        assertThrows(IllegalArgumentException.class, () -> FilterTiles.render(new float[8], 4, 2, 2, new TileShape(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> FilterTiles.render(new float[8], 4, 2, 0, new TileShape(2, 2)));
    }

    @Test
    void writingCreatesMissingDirectoriesAndReplacesAnOldPicture() throws IOException {
        Path png = dir.resolve("run/pictures/filters.png");
        FilterTiles.writeFilters(randomWeights(784, 4), 784, 4, 4, png);
        FilterTiles.writeFilters(randomWeights(784, 100), 784, 100, 100, png);
        assertEquals(289, ImageIO.read(png.toFile()).getWidth());
        assertTrue(Files.size(png) > 0);
    }
}
