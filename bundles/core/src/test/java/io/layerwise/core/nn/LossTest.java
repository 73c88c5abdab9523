package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The losses' values on hand-computed cases; their deltas are checked by finite differences in GradientCheckTest. */
class LossTest {

    /** Two samples of three inputs, identity decoder: residuals (1, 2, 3) and (0, 0, -1). */
    private static double lossOf(Loss loss, INDArray delta) {
        INDArray a = Nd4j.create(new double[][] {{1, 2, 3}, {0, 0, -1}}).castTo(DataType.DOUBLE);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        return loss.lossAndDelta(a, x, Activation.IDENTITY, delta, a.ulike());
    }

    @Test
    void squaredErrorIsHalfTheSumOverInputs() {
        INDArray delta = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        assertEquals(0.5 * (1 + 4 + 9) + 0.5 * 1, lossOf(Loss.SQUARED, delta), 1e-12);
        assertArrayEquals(new double[] {1, 2, 3, 0, 0, -1}, delta.data().asDouble(), 1e-12);
    }

    @Test
    void meanSquaredErrorAveragesOverInputsAsKerasAndPyTorchDo() {
        INDArray delta = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        assertEquals((1 + 4 + 9) / 3.0 + 1 / 3.0, lossOf(Loss.MEAN_SQUARED, delta), 1e-12);
        assertArrayEquals(new double[] {2 / 3.0, 4 / 3.0, 2, 0, 0, -2 / 3.0}, delta.data().asDouble(), 1e-12);
        assertEquals("testMeanSquaredError", Loss.MEAN_SQUARED.testMetric());
        assertEquals(Loss.MEAN_SQUARED, Loss.fromJson("mse"));
    }
}
