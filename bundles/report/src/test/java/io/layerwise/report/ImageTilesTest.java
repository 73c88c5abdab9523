package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTilesTest {
    @TempDir
    Path dir;

    @Test
    void samplesAreDrawnOnAnAbsoluteScale() {
        float[] data = {0, 0.5f, 1, 0.2f, /* second sample */ 0.1f, 0.1f, 0.1f, 0.1f};
        Raster r = ImageTiles.render(data, 2, 4, 2, new TileShape(2, 2), 2).getRaster();
        assertEquals(5, r.getWidth());
        assertEquals(2, r.getHeight());
        assertEquals(0, r.getSample(0, 0, 0));
        assertEquals(128, r.getSample(1, 0, 0));
        assertEquals(255, r.getSample(0, 1, 0));
        assertEquals(51, r.getSample(1, 1, 0));
        assertEquals(26, r.getSample(3, 0, 0), "a faint sample stays faint: no per-tile stretching");
    }

    @Test
    void valuesOutsideTheUnitIntervalAreClamped() {
        float[] data = {-0.5f, 1.5f, Float.NaN, 1};
        Raster r = ImageTiles.render(data, 1, 4, 1, new TileShape(2, 2), 1).getRaster();
        assertEquals(0, r.getSample(0, 0, 0));
        assertEquals(255, r.getSample(1, 0, 0));
        assertEquals(0, r.getSample(0, 1, 0));
    }

    @Test
    void hundredMnistSamplesMake289PixelSquarePng() throws IOException {
        float[] data = new float[150 * 784];
        for (int i = 0; i < data.length; i++) {
            data[i] = (i % 784) / 784f;
        }
        Path png = dir.resolve("inputs.png");
        ImageTiles.writeImages(data, 150, 784, 100, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(289, img.getWidth());
        assertEquals(289, img.getHeight());
    }

    @Test
    void explicitColumnsPutPairsSideBySide() {
        BufferedImage img = ImageTiles.render(new float[20 * 784], 20, 784, 20, TileShape.forLength(784), 4);
        assertEquals(4 * 29 - 1, img.getWidth());
        assertEquals(5 * 29 - 1, img.getHeight());
    }
}
