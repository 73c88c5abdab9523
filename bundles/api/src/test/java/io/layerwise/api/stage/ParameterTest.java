package io.layerwise.api.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ParameterTest {

    @Test
    void transposingSwapsRowsAndColumnsAndTwiceGivesTheOriginal() {
        Parameter w = new Parameter("W", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        Parameter t = w.transposed("Wt");
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.values());
        assertEquals(w, t.transposed("W"));
    }

    @Test
    void aVectorHasNoTranspose() {
        assertThrows(IllegalArgumentException.class, () -> new Parameter("b", new int[] {3}, new float[3]).transposed("x"));
    }

    @Test
    void aDenseLayerNeedsMatchingWeightAndBiasShapes() {
        Parameter w = new Parameter("W", new int[] {2, 3}, new float[6]);
        assertEquals(3, new DenseLayer(w, new Parameter("b", new int[] {3}, new float[3]), "sigmoid").outputs());
        assertThrows(IllegalArgumentException.class,
                () -> new DenseLayer(w, new Parameter("b", new int[] {2}, new float[2]), "sigmoid"));
    }
}
