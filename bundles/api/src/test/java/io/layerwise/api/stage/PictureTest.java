package io.layerwise.api.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class PictureTest {

    @Test
    void rowLabelsAreOnePerGridRowOrNone() {
        FloatMatrix tiles = FloatMatrix.zeros(6, 4); // 3 columns: 2 grid rows
        assertTrue(new Picture("samples", tiles, 3, Picture.Scaling.UNIT).rowLabels().isEmpty());
        assertEquals(List.of("a", "b"), new Picture("samples", tiles, 3, Picture.Scaling.UNIT, List.of("a", "b")).rowLabels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Picture("samples", tiles, 3, Picture.Scaling.UNIT, List.of("a")));
        assertEquals("picture samples: 1 row labels for 2 grid rows", e.getMessage());
    }
}
