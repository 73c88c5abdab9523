package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelledRowsTest {

    @Test
    void eachGridRowGetsItsCaptionAtTheLeftAndTilesAtTwiceTheirSize() {
        int chains = 3;
        float[] data = new float[4 * chains * 784];
        for (int t = 0; t < 4 * chains; t++) {
            data[t * 784 + 14 * 28 + 14] = 1f; // one white pixel in the middle of each tile
        }
        BufferedImage img = LabelledRows.render(data, 4 * chains, 784, chains,
                List.of("test digits", "1 step", "10 steps", "100 steps"), false);
        assertEquals(100 + 2 * (chains * 29 - 1) + 4, img.getWidth());
        assertEquals(4 * (2 * 28 + 4) + 4, img.getHeight());
        for (int row = 0; row < 4; row++) {
            int y = 4 + row * 60;
            int dark = 0;
            for (int x = 0; x < 100; x++) {
                for (int dy = 0; dy < 56; dy++) {
                    dark += (img.getRaster().getSample(x, y + dy, 0) < 128) ? 1 : 0;
                }
            }
            assertTrue(dark > 20, "a caption at the left of row " + row + ": " + dark + " dark pixels");
            assertEquals(255, img.getRaster().getSample(100 + 2 * 14, y + 2 * 14, 0), "the tile's white pixel, doubled");
        }
    }

    @Test
    void labelsThatDoNotMatchTheRowsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> LabelledRows.render(new float[6 * 784], 6, 784, 3, List.of("only one"), false));
    }
}
