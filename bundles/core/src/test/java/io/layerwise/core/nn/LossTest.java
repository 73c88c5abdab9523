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

    /** {@code sum softplus(a) - x.a} in float64 from the stable form, for the checks below. */
    private static double crossEntropyReference(float[] a, float[] x) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.max(a[i], 0) + Math.log1p(Math.exp(-Math.abs((double) a[i]))) - (double) x[i] * a[i];
        }
        return sum;
    }

    /**
     * A logit above 88.7 overflows libnd4j's float32 softplus, {@code log(1 + exp(a))}: the loss must stay the finite
     * cross-entropy (the confident right answers cost almost nothing, the confident wrong one 95) in the training
     * step, in evaluation, and with the element-wise work on both cores; the gradient stays {@code sigmoid(a) - x}.
     */
    @Test
    void crossEntropyStaysFiniteForSaturatedLogits() {
        float[] a = {100f, -100f, 95f, 0.5f, -3f, 89f};
        float[] x = {1f, 0f, 0f, 0.3f, 1f, 1f};
        double want = crossEntropyReference(a, x);
        INDArray logits = Nd4j.create(a, new long[] {2, 3}, 'c');
        INDArray targets = Nd4j.create(x, new long[] {2, 3}, 'c');
        INDArray delta = logits.ulike();
        double step = Loss.CROSS_ENTROPY.lossAndDelta(logits.dup(), targets, Activation.SIGMOID, delta, logits.ulike());
        assertEquals(want, step, 1e-4 * Math.abs(want));
        // 95 for the wrong confident answer, softplus(-3) + 3 and softplus(0.5) - 0.15 for the mild ones, ~0 else
        assertEquals(95 + 3.0486 + 0.8241, want, 1e-3);
        for (int i = 0; i < a.length; i++) {
            assertEquals(1 / (1 + Math.exp(-a[i])) - x[i], delta.getDouble(i / 3, i % 3), 1e-6, "delta " + i);
        }
        assertEquals(want, Loss.CROSS_ENTROPY.loss(logits.dup(), targets, Activation.SIGMOID, logits.ulike()),
                1e-4 * Math.abs(want));
        assertEquals(want, Loss.CROSS_ENTROPY.lossAndDelta(logits.dup(), targets, Activation.SIGMOID, logits.ulike(),
                logits.ulike(), new RowHalves(2)), 1e-4 * Math.abs(want));
        // the usual minibatch keeps the one-op path: the same value as libnd4j's softplus gives
        float[] mild = {2f, -1f, 0.25f, 7f, -6f, 0f};
        INDArray m = Nd4j.create(mild, new long[] {2, 3}, 'c');
        double plain = Loss.CROSS_ENTROPY.loss(m.dup(), targets, Activation.SIGMOID, m.ulike());
        assertEquals(crossEntropyReference(mild, x), plain, 1e-5);
        INDArray scratch = m.ulike();
        assertEquals(plain, Loss.stableSoftplusSum(m, scratch) - Level1.dot(targets, m), 1e-5);
    }
}
