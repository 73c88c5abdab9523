package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import io.layerwise.core.testing.MnistSample;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SoftPlus;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Logistic}'s Java loops: the sigmoid and softplus against float64 on a dense grid and at the edges (the
 * bounds its Javadoc states), the array paths (whole arrays, blocks of rows, what falls back to libnd4j) against the
 * heap loops, the derivative against libnd4j's three passes bit for bit, and DAE training on real digits with the
 * loops against training with libnd4j's transforms, compared on held-out digits.
 */
class LogisticTest {
    /** The sigmoid's bound: 4 units in the last place of 1/2 (measured 1.97e-7, at a = 12.19). */
    static final double SIGMOID_ERROR = 2.5e-7;

    @AfterEach
    void loopsOnAgain() {
        Logistic.enabled(true);
    }

    @Test
    void sigmoidIsWithinFourUlpsOfOneHalfOfTheExactValueEverywhere() {
        float[] a = grid();
        float[] s = new float[a.length];
        Logistic.sigmoid(a, s, a.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double exact = 1 / (1 + Math.exp(-(double) a[i]));
            worst = Math.max(worst, Math.abs(s[i] - exact));
            assertTrue(s[i] >= 0 && s[i] <= 1, "sigmoid(" + a[i] + ") = " + s[i]);
        }
        assertTrue(worst <= SIGMOID_ERROR, "largest error " + worst);
        assertTrue(worst > 1e-8, "a float sigmoid cannot be this exact everywhere: " + worst);
    }

    /**
     * tanh from the sigmoid's rational function: within 3.1e-7 of the exact value on the grid (relative too, so near 0
     * it keeps the argument's precision), within [-1, 1], odd, and exact at the edges.
     */
    @Test
    void tanhIsWithinFiveUlpsOfTheExactValueEverywhere() {
        float[] a = grid();
        float[] t = new float[a.length];
        Logistic.tanh(a, t, 0, a.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double exact = Math.tanh(a[i]);
            double error = Math.abs(t[i] - exact);
            worst = Math.max(worst, error);
            assertTrue(error <= 3.1e-7 * Math.max(Math.abs(exact), 1e-30), "tanh(" + a[i] + ") = " + t[i]);
            assertTrue(t[i] >= -1 && t[i] <= 1, "tanh(" + a[i] + ") = " + t[i]);
        }
        assertTrue(worst > 1e-8, "a float tanh cannot be this exact everywhere: " + worst);
        float[] edges = {0f, -0f, 1e-30f, -1e-20f, Float.MIN_NORMAL, 9f, -9.5f, 100f, Float.NEGATIVE_INFINITY,
            Float.NaN};
        float[] out = new float[edges.length];
        Logistic.tanh(edges, out, 0, edges.length);
        assertArrayEquals(new float[] {0f, -0f, 1e-30f, -1e-20f, Float.MIN_NORMAL, 1f, -1f, 1f, -1f, Float.NaN}, out);
        // a range: values outside it keep theirs
        float[] part = {1f, 1f, 1f};
        Logistic.tanh(new float[] {0f, 0f, 0f}, part, 1, 2);
        assertArrayEquals(new float[] {1f, 0f, 1f}, part);
    }

    @Test
    void softplusIsWithinAnUlpOfItsValuePlusTheSigmoidsErrorEverywhere() {
        float[] a = grid();
        float[] s = new float[a.length];
        float[] sp = new float[a.length];
        Logistic.sigmoid(a, s, a.length);
        Logistic.softplus(a, s, sp, a.length);
        double worstExcess = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double exact = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
            // the sigmoid's error passes into the log (times at most 2); rounding to the value's own ulp comes on top
            double bound = 2 * SIGMOID_ERROR + Math.ulp((float) exact);
            worstExcess = Math.max(worstExcess, Math.abs(sp[i] - exact) - bound);
            assertTrue(sp[i] >= 0, "softplus(" + a[i] + ") = " + sp[i]);
        }
        assertTrue(worstExcess <= 0, "beyond the bound by " + worstExcess);
    }

    @Test
    void edgesSaturateAndNothingOverflows() {
        float[] a = {0f, -0f, 1e-40f, -1e-40f, 18f, -18f, 40f, -40f, 88.8f, -100f, 3e38f, -3e38f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] s = new float[a.length];
        float[] sp = new float[a.length];
        Logistic.sigmoid(a, s, a.length);
        Logistic.softplus(a, s, sp, a.length);
        assertEquals(0.5f, s[0]);
        assertEquals(0.5f, s[1]);
        assertEquals(0.5f, s[2]);
        assertEquals(0.5f, s[3]);
        for (int i = 4; i < 14; i += 2) {
            assertEquals(1f, s[i], 1e-7f, "sigmoid(" + a[i] + ")");
            assertEquals(0f, s[i + 1], 1e-7f, "sigmoid(" + a[i + 1] + ")");
        }
        assertEquals((float) Math.log(2), sp[0], 1e-7f);
        assertEquals(88.8f, sp[8], "softplus(88.8): libnd4j's overflows to +inf in float32");
        assertEquals(3e38f, sp[10]);
        assertEquals(0f, sp[11]);
        assertEquals(Float.POSITIVE_INFINITY, sp[12]);
        assertEquals(0f, sp[13]);
        assertTrue(Float.isNaN(s[14]) && Float.isNaN(sp[14]), "a NaN stays NaN: " + s[14] + ", " + sp[14]);
    }

    @Test
    void arraysAndBlocksOfRowsGiveTheHeapLoopsValues() {
        INDArray a = logits(3, 128, 784);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 784);
        float[] av = a.data().asFloat();
        float[] s = new float[av.length];
        float[] sp = new float[av.length];
        Logistic.sigmoid(av, s, av.length);
        Logistic.softplus(av, s, sp, av.length);

        INDArray sigmoid = a.dup();
        Logistic.sigmoid(sigmoid, sigmoid);
        assertArrayEquals(s, sigmoid.data().asFloat());
        INDArray softplus = Nd4j.create(DataType.FLOAT, 128, 784);
        Logistic.softplus(a, softplus);
        assertArrayEquals(sp, softplus.data().asFloat());

        // the cross-entropy's terms: delta = s - x and the softplus, over row halves as RowHalves passes them
        INDArray delta = Nd4j.create(DataType.FLOAT, 128, 784);
        INDArray terms = Nd4j.create(DataType.FLOAT, 128, 784);
        for (int[] rows : new int[][] {{0, 64}, {64, 128}}) {
            Logistic.crossEntropyTerms(rowsOf(a, rows), rowsOf(x, rows), rowsOf(delta, rows), rowsOf(terms, rows));
        }
        float[] xv = x.data().asFloat();
        float[] expectedDelta = new float[av.length];
        for (int i = 0; i < av.length; i++) {
            expectedDelta[i] = s[i] - xv[i];
        }
        assertArrayEquals(expectedDelta, delta.data().asFloat());
        assertArrayEquals(sp, terms.data().asFloat());

        // the sigmoid and the softplus in one pass, the sigmoid in place, over row halves: the same two results
        INDArray inPlace = a.dup();
        INDArray softplusToo = Nd4j.create(DataType.FLOAT, 128, 784);
        for (int[] rows : new int[][] {{0, 64}, {64, 128}}) {
            Logistic.sigmoidAndSoftplus(rowsOf(inPlace, rows), rowsOf(inPlace, rows), rowsOf(softplusToo, rows));
        }
        assertArrayEquals(s, inPlace.data().asFloat());
        assertArrayEquals(sp, softplusToo.data().asFloat());
        assertEquals(Logistic.crossEntropySum(a, x, terms), Logistic.crossEntropySum(Level1.dot(x, a), softplusToo),
                0.0);
    }

    @Test
    void float64AndStridedArraysTakeLibnd4jsTransforms() {
        INDArray d = logits(4, 20, 30).castTo(DataType.DOUBLE);
        INDArray ours = d.dup();
        Logistic.sigmoid(ours, ours);
        INDArray theirs = d.dup();
        Nd4j.exec(new Sigmoid(theirs, theirs));
        assertEquals(theirs, ours);
        INDArray both = d.dup();
        INDArray softplus = d.ulike();
        Logistic.sigmoidAndSoftplus(both, both, softplus);
        assertEquals(theirs, both, "the sigmoid in place, after the softplus read the logits");
        INDArray theirSoftplus = d.dup();
        Nd4j.exec(new SoftPlus(theirSoftplus, theirSoftplus));
        assertEquals(theirSoftplus, softplus);

        // a column block is not contiguous: libnd4j's transform, and the rest of the array untouched
        INDArray f = logits(5, 20, 30);
        INDArray columns = f.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 10));
        assertFalse(Logistic.heap(columns, columns));
        INDArray before = f.dup();
        Logistic.softplus(columns, columns);
        INDArray expected = before.dup();
        INDArray expectedColumns = expected.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 10));
        Nd4j.exec(new SoftPlus(expectedColumns, expectedColumns));
        assertEquals(expected, f);
        assertTrue(Logistic.heap(rowsOf(f, new int[] {3, 9}), rowsOf(before, new int[] {3, 9})));
        assertTrue(Logistic.heap(f.getRow(2), before.getRow(5)), "single rows are contiguous");
    }

    @Test
    void theDerivativeEqualsLibnd4jsThreePassesBitForBit() {
        INDArray y = Nd4j.rand(DataType.FLOAT, 128, 500);
        INDArray grad = logits(6, 128, 500);
        INDArray expected = grad.dup();
        INDArray scratch = Nd4j.create(DataType.FLOAT, 128, 500);
        Nd4j.exec(new ScalarReverseSubtraction(y, null, scratch, 1.0));
        scratch.muli(y);
        expected.muli(scratch);
        for (int[] rows : new int[][] {{0, 64}, {64, 128}}) {
            Logistic.multiplySigmoidDerivative(rowsOf(y, rows), rowsOf(grad, rows), rowsOf(scratch, rows));
        }
        assertArrayEquals(expected.data().asFloat(), grad.data().asFloat());
    }

    @Test
    void aCrossEntropyBeyondFloatRangeReadsAsDiverged() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 784);
        INDArray a = logits(8, 20, 784);
        INDArray delta = Nd4j.create(DataType.FLOAT, 20, 784);
        INDArray scratch = Nd4j.create(DataType.FLOAT, 20, 784);
        double sane = Loss.CROSS_ENTROPY.lossAndDelta(a, x, Activation.SIGMOID, delta, scratch);
        assertTrue(Double.isFinite(sane) && sane > 0, "logits of deviation 8: " + sane);
        // a diverged step's logits: 1e30 against the target, all still finite floats (what a learning rate of 1e30
        // gives); every term is about 1e30, the mean far beyond 88.72
        INDArray blown = x.sub(0.5).muli(-2e30);
        assertEquals(Double.POSITIVE_INFINITY, Loss.CROSS_ENTROPY.lossAndDelta(blown, x, Activation.SIGMOID, delta,
                scratch));
        assertEquals(Double.POSITIVE_INFINITY, Loss.CROSS_ENTROPY.loss(blown, x, Activation.SIGMOID, scratch));
        // one saturated logit among sane ones is a confident prediction, not a divergence
        a.putScalar(0, 0, 500f);
        x.putScalar(0, 0, 0f);
        assertTrue(Double.isFinite(Loss.CROSS_ENTROPY.lossAndDelta(a, x, Activation.SIGMOID, delta, scratch)));
    }

    /**
     * A 784-200 DAE (tied, masking 0.25) trained on 2,000 MNIST digits, two epochs of batch 20, once with the Java
     * loops and once with libnd4j's transforms, from the same weights and the same corruption: the held-out
     * reconstruction cross-entropy of 1,000 test digits agrees to 1e-4 of itself, and so do the weights (to 1e-4 of
     * their largest magnitude). The two sigmoids differ by about a unit in the last place; a wrong term, a wrong
     * row or a missing scale moves the loss by percents.
     */
    @Test
    void daeTrainingMatchesLibnd4jsTransformsOnHeldOutDigits() throws IOException {
        FloatMatrix train = MnistSample.images(MnistSample.directory().resolve("train-images-idx3-ubyte.gz"));
        FloatMatrix test = MnistSample.images(MnistSample.directory().resolve("t10k-images-idx3-ubyte.gz"));
        INDArray x = rows(train, 2000);
        INDArray heldOut = rows(test, 1000);
        double[] loss = new double[2];
        INDArray[] weights = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            Logistic.enabled(run == 0);
            try (DenseAutoencoder ae = DenseAutoencoder.initialise(new Architecture(784, 200, true,
                    Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY), 7, DataType.FLOAT);
                    BatchBuffers b = ae.buffers(20);
                    BatchBuffers eval = ae.buffers(1000)) {
                Random corruption = new Random(11);
                for (int epoch = 0; epoch < 2; epoch++) {
                    for (int lo = 0; lo < 2000; lo += 20) {
                        INDArray clean = x.get(NDArrayIndex.interval(lo, lo + 20), NDArrayIndex.all());
                        INDArray corrupted = b.corrupted();
                        corrupted.assign(clean);
                        float[] mask = new float[20 * 784];
                        for (int i = 0; i < mask.length; i++) {
                            mask[i] = corruption.nextFloat() < 0.25f ? 0f : 1f;
                        }
                        corrupted.muli(Nd4j.create(mask, new long[] {20, 784}));
                        ae.descend(corrupted, clean, b, java.util.List.of(), 0.1);
                    }
                }
                loss[run] = ae.reconstructionLoss(heldOut, eval) / 1000;
                weights[run] = ae.parameters().get(0).dup();
            }
        }
        assertTrue(loss[0] > 50 && loss[0] < 200, "held-out reconstruction CE " + loss[0]);
        assertEquals(loss[1], loss[0], 1e-4 * loss[1], "held-out CE, Java loops against libnd4j");
        double scale = weights[1].amaxNumber().doubleValue();
        double diff = weights[0].sub(weights[1]).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-4 * scale, "weights differ by " + diff + " of " + scale);
        assertTrue(diff > 0, "the two paths cannot give the same bits: is the switch still wired?");
    }

    /** Floats on [-40, 40] a step of 2^-12 apart, and every float in [-2^-10, 2^-10] a thousandth apart. */
    private static float[] grid() {
        int n = 80 * 4096 + 1;
        float[] a = new float[n + 2001];
        for (int i = 0; i < n; i++) {
            a[i] = -40f + i / 4096f;
        }
        for (int i = 0; i <= 2000; i++) {
            a[n + i] = (i - 1000) / 1000f / 1024f;
        }
        return a;
    }

    /** Gaussian logits of standard deviation 8: saturated and central values alike. */
    private static INDArray logits(long seed, int rows, int columns) {
        Random r = new Random(seed);
        float[] v = new float[rows * columns];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (8 * r.nextGaussian());
        }
        return Nd4j.create(v, new long[] {rows, columns});
    }

    private static INDArray rowsOf(INDArray a, int[] rows) {
        return a.get(NDArrayIndex.interval(rows[0], rows[1]), NDArrayIndex.all());
    }

    private static INDArray rows(FloatMatrix m, int n) {
        return Nd4j.create(Arrays.copyOf(m.data(), n * m.cols()), new long[] {n, m.cols()});
    }
}
