package io.layerwise.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every layer's backward pass against central differences in float64: for the objective {@code L = sum(y * r)} with
 * a fixed random {@code r}, each input value's and each parameter's analytic derivative must agree with
 * {@code (L(t + h) - L(t - h)) / 2h}, h = 1e-6, to 1e-6 relative (or 1e-8 absolute).
 */
class LayerGradientTest {
    private static final double H = 1e-6;
    private static final DataType D = DataType.DOUBLE;

    static INDArray random(SplittableRandom r, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * r.nextDouble() - 1;
        }
        return Nd4j.create(v, shape, D);
    }

    private static double objective(Layer layer, INDArray x, INDArray r) {
        return layer.forward(x, true).mul(r).sumNumber().doubleValue();
    }

    /** Checks dL/dx and dL/dtheta of {@code layer} on {@code n} random samples. */
    static void check(Layer layer, int n, long seed) {
        assertEquals(layer.parameterNames().size(), layer.parameters().size(), layer.kind());
        assertEquals(layer.parameters().size(), layer.gradients().size(), layer.kind());
        if (!layer.kind().equals("max-pool") && !Activate.KINDS.contains(layer.kind())
                && !layer.kind().equals("flatten") && !layer.kind().equals("reshape")) {
            assertEquals(2, layer.parameters().size(), layer.kind() + " has a weight and a bias to check");
        }
        SplittableRandom random = new SplittableRandom(seed);
        INDArray x = random(random, layer.input().batch(n));
        INDArray y = layer.forward(x, true);
        INDArray r = random(random, y.shape());
        INDArray dx = layer.backward(x, y, r).dup();
        List<INDArray> grads = new ArrayList<>();
        layer.gradients().forEach(g -> grads.add(g.dup()));
        compare(layer, x, r, x, dx, "input");
        for (int p = 0; p < grads.size(); p++) {
            compare(layer, x, r, layer.parameters().get(p), grads.get(p), layer.parameterNames().get(p));
        }
    }

    private static void compare(Layer layer, INDArray x, INDArray r, INDArray t, INDArray analytic, String what) {
        INDArray flat = t.reshape(t.length());
        INDArray a = analytic.reshape(analytic.length());
        assertEquals(t.length(), analytic.length(), what + " gradient size");
        for (long i = 0; i < flat.length(); i++) {
            double v = flat.getDouble(i);
            flat.putScalar(i, v + H);
            double plus = objective(layer, x, r);
            flat.putScalar(i, v - H);
            double minus = objective(layer, x, r);
            flat.putScalar(i, v);
            double numeric = (plus - minus) / (2 * H);
            double exact = a.getDouble(i);
            assertTrue(Math.abs(numeric - exact) <= 1e-8 + 1e-6 * Math.max(Math.abs(numeric), Math.abs(exact)),
                    layer.kind() + " d/d" + what + "[" + i + "]: analytic " + exact + ", numeric " + numeric);
        }
    }

    private static SplittableRandom init() {
        return new SplittableRandom(7);
    }

    @Test
    void convWithStrideAndPaddingMatchesFiniteDifferences() {
        check(new Conv(Shape.image(2, 7, 7), 3, 3, 2, 1, D, init()), 2, 1);
    }

    @Test
    void convWithoutPaddingMatchesFiniteDifferences() {
        check(new Conv(Shape.image(3, 4, 4), 2, 2, 1, 0, D, init()), 3, 2);
    }

    @Test
    void convTransposeWithStridePaddingAndOutputPaddingMatchesFiniteDifferences() {
        check(new ConvTranspose(Shape.image(3, 3, 3), 2, 3, 2, 1, 1, D, init()), 2, 3);
    }

    @Test
    void convTransposeAsInTheW5DecoderMatchesFiniteDifferences() {
        check(new ConvTranspose(Shape.image(2, 3, 3), 2, 5, 3, 1, 0, D, init()), 2, 4);
        check(new ConvTranspose(Shape.image(4, 1, 1), 3, 2, 1, 0, 0, D, init()), 3, 5);
    }

    @Test
    void maxPoolMatchesFiniteDifferences() {
        check(new MaxPool(Shape.image(2, 6, 6), 2, 2), 2, 6);
        check(new MaxPool(Shape.image(2, 3, 3), 2, 1), 2, 7);
    }

    @Test
    void batchNormInTrainingMatchesFiniteDifferences() {
        check(new BatchNorm(Shape.image(3, 3, 3), 0.1, 1e-5, D), 4, 8);
        check(new BatchNorm(Shape.vector(5), 0.1, 1e-5, D), 6, 9);
    }

    @Test
    void denseMatchesFiniteDifferences() {
        check(new Dense(Shape.image(2, 2, 2), 3, D, init()), 4, 10);
    }

    @Test
    void reshapesMatchFiniteDifferences() {
        check(new Reshape("flatten", Shape.image(2, 2, 3), Shape.vector(12)), 2, 11);
        check(new Reshape("reshape", Shape.vector(12), Shape.image(3, 2, 2)), 2, 12);
    }

    @Test
    void activationsMatchFiniteDifferences() {
        for (String kind : Activate.KINDS) {
            check(new Activate(kind, Shape.image(2, 3, 3), 0.2), 3, 13);
        }
    }
}
