package io.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.layerwise.api.data.FloatMatrix;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconstructionPictureTest {

    private static FloatMatrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return new FloatMatrix(rows, cols, v);
    }

    @Test
    void aDenoisingAutoencoderGetsThreeRowsOfTenTilesAndAPlainOneTwo() {
        FloatMatrix x = random(10, 784, 1);
        BufferedImage three = ReconstructionPicture.render(x, random(10, 784, 2), random(10, 784, 3), false);
        BufferedImage two = ReconstructionPicture.render(x, null, random(10, 784, 3), false);
        int strip = 2 * (10 * 29 - 1);
        assertEquals(100 + strip + 4, three.getWidth());
        assertEquals(3 * (2 * 28 + 4) + 4, three.getHeight());
        assertEquals(2 * (2 * 28 + 4) + 4, two.getHeight());
        assertFalse(FilterAnimationTest.constant(three));
    }

    @Test
    void rowsOfDifferentShapesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ReconstructionPicture.render(random(10, 784, 1), null, random(9, 784, 2), false));
    }
}
