package io.layerwise.model.vae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Logistic;
import io.layerwise.core.nn.Loss;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The float32 training step (OpenBLAS called directly, the latent loops of {@link LatentPass}) against the float64 one
 * through ND4J's operations, which {@link VaeGradientCheckTest} checks by finite differences: on rows neither model
 * has seen, with the same weights (both are drawn as float32 values) and the same noise, both terms of the objective,
 * every gradient, and the codes {@code sigma} and {@code z} agree to float32 rounding. Tolerances: 1e-5 of the
 * objective, 2e-5 of the largest entry of each gradient; a missing or wrong term
 * is of the order of the gradient itself.
 */
class VaeFusedStepTest {
    static final int B = 16;
    static final int N = 30;
    static final int LATENT = 4;

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(Likelihood.BERNOULLI, Double.NaN, 1.0), Arguments.of(Likelihood.BERNOULLI, Double.NaN, 0.3),
                Arguments.of(Likelihood.GAUSSIAN, Double.NaN, 1.0), Arguments.of(Likelihood.GAUSSIAN, 0.2, 0.0));
    }

    static Vae vae(Likelihood likelihood, double variance, DataType type) {
        return new Vae(N, List.of(12), LATENT, List.of(10), Activation.RELU, likelihood, variance, 21, type);
    }

    @ParameterizedTest(name = "{0} variance={1} klWeight={2}")
    @MethodSource("cases")
    void float32StepMatchesTheFloat64One(Likelihood likelihood, double variance, double klWeight) {
        try (Vae single = vae(likelihood, variance, DataType.FLOAT);
                Vae dbl = vae(likelihood, variance, DataType.DOUBLE);
                VaeBuffers bs = single.buffers(B);
                VaeBuffers bd = dbl.buffers(B)) {
            assertNotNull(bs.latentPass, "float32 takes the fused loops");
            assertNull(bd.latentPass, "float64 takes the plain path");
            INDArray x = heldOut(likelihood);
            Random r = new Random(5);
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < LATENT; j++) {
                    bd.eps.putScalar(i, j, (float) r.nextGaussian());
                }
            }
            bs.eps.assign(bd.eps.castTo(DataType.FLOAT));
            Vae.Terms ts = single.gradient(x.castTo(DataType.FLOAT), bs, klWeight);
            Vae.Terms td = dbl.gradient(x, bd, klWeight);
            assertEquals(td.reconstruction(), ts.reconstruction(), 1e-5 * Math.abs(td.reconstruction()), "reconstruction");
            assertEquals(td.kl(), ts.kl(), 1e-5 * Math.abs(td.kl()), "KL");
            assertTrue(td.kl() > 0.1, "a KL term worth comparing: " + td.kl());
            assertClose(bd.std, bs.std, 1e-6, "sigma");
            assertClose(bd.z, bs.z, 1e-6, "z");
            List<String> names = single.parameterNames();
            for (int p = 0; p < names.size(); p++) {
                INDArray gd = dbl.gradients().get(p);
                assertClose(gd, single.gradients().get(p), 2e-5, names.get(p));
            }
            // evaluation runs the same forward pass
            Vae.Terms es = single.terms(x.castTo(DataType.FLOAT), bs);
            assertEquals(ts.reconstruction(), es.reconstruction(), 0.0, "terms() = gradient()'s forward pass");
        }
    }

    /**
     * At W6's shapes (128 x 784), {@link BernoulliPass} (one libnd4j exp, one Java pass) against the loss and
     * {@code d/da} computed in float64 from their definitions, and against core's plain {@code Loss.CROSS_ENTROPY}
     * (libnd4j's softplus and sigmoid): on held-out test digits (the shared sample's, when it is there) and synthetic
     * rows, with logits spread as a decoder's are plus saturated and overflowing ones ({@code exp(a)} = +inf and 0).
     * The loss within 1e-7 of its size (a float32 sum of the same terms is good to about 1e-6), each {@code d/da}
     * within 2e-7 (sigmoid's float32 rounding near 1/2 is 3e-8). Fails when any of the loss's three sums is off by a
     * few values' worth.
     */
    @Test
    void bernoulliPassMatchesFloat64AndThePlainPath() {
        int batch = 128;
        int n = 784;
        try (Vae vae = new Vae(n, List.of(8), LATENT, List.of(8), Activation.RELU, Likelihood.BERNOULLI, Double.NaN, 3,
                DataType.FLOAT); VaeBuffers b = vae.buffers(batch)) {
            assertNotNull(b.bernoulliPass, "float32 takes the fast path");
            float[] digits = testDigits(batch * n);
            Random r = new Random(11);
            float[] av = new float[batch * n];
            float[] xv = new float[batch * n];
            float[] extremes = {0f, -0f, 1e-4f, -1e-4f, 17f, -17f, 40f, -40f, 88.7f, -88.7f, 89f, -89f, 104f, -104f,
                    500f, -500f};
            for (int i = 0; i < av.length; i++) {
                av[i] = i % 97 == 0 ? extremes[(i / 97) % extremes.length] : (float) (r.nextGaussian() * 4 - 2);
                xv[i] = digits != null ? digits[i] : r.nextInt(3) == 0 ? 0f : r.nextFloat();
            }
            INDArray a = Nd4j.create(av, new long[] {batch, n}, 'c');
            INDArray x = Nd4j.create(xv, new long[] {batch, n}, 'c');
            double exact = 0;
            double[] exactDelta = new double[av.length];
            for (int i = 0; i < av.length; i++) {
                double ai = av[i];
                exact += Math.max(ai, 0) + Math.log1p(Math.exp(-Math.abs(ai))) - xv[i] * ai;
                exactDelta[i] = 1 / (1 + Math.exp(-ai)) - xv[i];
            }
            double fast = Likelihood.BERNOULLI.lossAndDelta(a, x, b, null, null);
            assertEquals(exact, fast, 1e-7 * Math.abs(exact), "loss against float64");
            float[] d = b.delta.data().asFloat();
            for (int i = 0; i < d.length; i++) {
                assertEquals(exactDelta[i], d[i], 2e-7, "d/da at " + i + ", a = " + av[i] + ", x = " + xv[i]);
            }
            assertEquals(fast, Likelihood.BERNOULLI.lossAndDelta(a, x, b, null, null), 0.0, "the same loss again");
            // libnd4j's softplus overflows above 88.7 (log(1 + exp(a)) = +inf in float32): compare below that
            INDArray clipped = Transforms.min(Transforms.max(a, -88.0f), 88.0f);
            INDArray plainDelta = Nd4j.createUninitialized(DataType.FLOAT, batch, n);
            double plain = Loss.CROSS_ENTROPY.lossAndDelta(clipped, x, Activation.SIGMOID, plainDelta,
                    Nd4j.createUninitialized(DataType.FLOAT, batch, n));
            assertEquals(plain, Likelihood.BERNOULLI.lossAndDelta(clipped, x, b, null, null), 2e-6 * Math.abs(plain),
                    "loss against the plain path");
            float[] dc = b.delta.data().asFloat();
            float[] dp = plainDelta.data().asFloat();
            for (int i = 0; i < dc.length; i++) {
                assertEquals(dp[i], dc[i], 2e-7, "d/da against the plain path at " + i + ", a = " + av[i]);
            }
            // core's loss (Logistic's loops) does not overflow; libnd4j's transforms do, for the record
            assertEquals(fast, Loss.CROSS_ENTROPY.lossAndDelta(a, x, Activation.SIGMOID, plainDelta,
                    Nd4j.createUninitialized(DataType.FLOAT, batch, n)), 2e-6 * Math.abs(fast), "core's loss at a = 500");
            Logistic.enabled(false);
            try {
                assertEquals(Double.POSITIVE_INFINITY, Loss.CROSS_ENTROPY.lossAndDelta(a, x, Activation.SIGMOID,
                        plainDelta, Nd4j.createUninitialized(DataType.FLOAT, batch, n)), "libnd4j's at a = 500");
            } finally {
                Logistic.enabled(true);
            }
        }
    }

    /**
     * The per-row {@code log p(x|a)} of the importance-weighted estimate, from the float32 pass, against float64 from
     * the definition on held-out digits and extreme logits (each row within 2e-7 of its terms' size, the float32
     * rounding of the row's value), and against the plain path (libnd4j's softplus, two element-wise passes and a
     * product) where that path does not overflow. The data are a view of rows, as the estimate's chunks are. At 784
     * inputs, and at 5,000, where a row spans two of the pass's chunks.
     */
    @ParameterizedTest(name = "n = {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {784, 5000})
    void bernoulliRowLogLikelihoodMatchesFloat64AndThePlainPath(int n) {
        int batch = 48;
        try (Vae vae = new Vae(n, List.of(8), LATENT, List.of(8), Activation.RELU, Likelihood.BERNOULLI, Double.NaN, 3,
                DataType.FLOAT); VaeBuffers b = vae.buffers(batch)) {
            assertNotNull(b.bernoulliPass, "float32 takes the fast path");
            float[] digits = n == 784 ? testDigits(batch * n) : null;
            Random r = new Random(12);
            float[] av = new float[batch * n];
            float[] xv = new float[batch * n];
            float[] extremes = {0f, 1e-4f, -1e-4f, 17f, -17f, 40f, -40f, 88.7f, -88.7f, 104f, -104f, 500f, -500f};
            for (int i = 0; i < av.length; i++) {
                av[i] = i % 89 == 0 ? extremes[(i / 89) % extremes.length] : (float) (r.nextGaussian() * 4 - 2);
                xv[i] = digits != null ? digits[i] : r.nextInt(3) == 0 ? 0f : r.nextFloat();
            }
            INDArray a = Nd4j.create(av, new long[] {batch, n}, 'c');
            // as in the estimate, the data are a chunk of rows of a larger matrix: here its bottom half
            float[] tall = new float[2 * batch * n];
            System.arraycopy(xv, 0, tall, batch * n, xv.length);
            INDArray x = Nd4j.create(tall, new long[] {2 * batch, n}, 'c')
                    .get(NDArrayIndex.interval(batch, 2 * batch), NDArrayIndex.all());
            assertTrue(x.isView() && x.offset() == (long) batch * n, "a row view");
            b.delta.assign(Float.NaN); // the plain path writes there, the pass does not
            Likelihood.BERNOULLI.rowLogLikelihood(a, x, b, null, b.rowA);
            assertTrue(Float.isNaN(b.delta.getFloat(0)), "the float32 pass took the row view");
            float[] fast = b.rowA.data().asFloat();
            io.layerwise.core.nn.RowHalves.enabled(false); // each row on its own: both halves give one thread's rows
            try {
                Likelihood.BERNOULLI.rowLogLikelihood(a, x, b, null, b.rowA);
                org.junit.jupiter.api.Assertions.assertArrayEquals(fast, b.rowA.data().asFloat(), "halves and one thread");
            } finally {
                io.layerwise.core.nn.RowHalves.enabled(true);
            }
            for (int row = 0; row < batch; row++) {
                double exact = 0;
                double size = 0;
                for (int i = row * n; i < (row + 1) * n; i++) {
                    double ai = av[i];
                    double softplus = Math.max(ai, 0) + Math.log1p(Math.exp(-Math.abs(ai)));
                    exact += xv[i] * ai - softplus;
                    size += Math.abs(xv[i] * ai) + softplus;
                }
                assertEquals(exact, fast[row], 2e-7 * size, "row " + row + " against float64");
            }
            // the plain path, on logits it can take (libnd4j's softplus is +inf above 88.7 in float32)
            INDArray clipped = Transforms.min(Transforms.max(a, -88.0f), 88.0f);
            Likelihood.BERNOULLI.rowLogLikelihood(clipped, x, b, null, b.rowA);
            float[] fastClipped = b.rowA.data().asFloat();
            INDArray softplus = Transforms.softPlus(clipped, true);
            INDArray plain = softplus.subi(x.mul(clipped)).mmul(Nd4j.ones(DataType.FLOAT, n, 1)).negi();
            for (int row = 0; row < batch; row++) {
                assertEquals(plain.getDouble(row, 0), fastClipped[row], 1e-6 * Math.abs(plain.getDouble(row, 0)) + 1e-3,
                        "row " + row + " against the plain path");
            }
        }
    }

    /** The first test digits of the shared sample as values in [0, 1], or null when the sample is not there. */
    private static float[] testDigits(int count) {
        java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("layerwise.mnist", "../../../shared/data/mnist-sample"))
                .resolve("t10k-images-idx3-ubyte.gz");
        if (!java.nio.file.Files.isRegularFile(file)) {
            return null;
        }
        try (java.io.DataInputStream in = new java.io.DataInputStream(
                new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(file)))) {
            in.skipNBytes(16); // magic, count, rows, columns
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = in.readUnsignedByte() / 255f;
            }
            return v;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Rows drawn apart from any training: pixels in [0, 1] (a third exactly 0), or real values for gaussian. */
    static INDArray heldOut(Likelihood likelihood) {
        Random r = new Random(99);
        double[] v = new double[B * N];
        for (int i = 0; i < v.length; i++) {
            v[i] = likelihood == Likelihood.BERNOULLI ? (r.nextInt(3) == 0 ? 0 : r.nextDouble()) : r.nextGaussian();
        }
        return Nd4j.create(v, new long[] {B, N}, DataType.DOUBLE);
    }

    /** {@code max |expected - actual| <= tol * max(|expected|, 1e-3)}. */
    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-3);
        double d = expected.sub(actual.castTo(expected.dataType())).amaxNumber().doubleValue();
        assertTrue(d <= tol * scale, what + ": max |difference| " + d + " > " + tol + " * " + scale);
    }
}
