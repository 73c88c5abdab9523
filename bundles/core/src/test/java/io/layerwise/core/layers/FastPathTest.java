package io.layerwise.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 Java kernels against the plain path (the ND4J ops that float64 runs, which {@link LayerGradientTest}
 * checks against finite differences): the same layer built twice with the same parameters, the same random input and
 * output gradient; the training forward pass, the input gradient, the parameter gradients, the running statistics and
 * an evaluation pass after it must agree to {@code 1e-4 max(1, max |plain|)}. Shapes are the W5 network's layers and
 * a few that exercise padding, output padding and overlapping windows; the batch is 6 twice (the kept buffers then
 * hold the last minibatch's values), then 4 (buffers resized).
 */
class FastPathTest {

    private static void compare(INDArray plain, INDArray fast, String what) {
        assertArrayEquals(plain.shape(), fast.shape(), what + " shape");
        double[] p = plain.castTo(DataType.DOUBLE).reshape(plain.length()).toDoubleVector();
        double[] f = fast.castTo(DataType.DOUBLE).reshape(fast.length()).toDoubleVector();
        double scale = 1;
        for (double v : p) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < p.length; i++) {
            assertTrue(Math.abs(p[i] - f[i]) <= 1e-4 * scale,
                    what + "[" + i + "]: plain " + p[i] + ", fast " + f[i] + " (scale " + scale + ")");
        }
    }

    /** Builds the layer in float64 and float32 with equal parameters, and compares both directions twice. */
    private static void check(Function<DataType, Layer> build, long seed) {
        Layer plain = build.apply(DataType.DOUBLE);
        Layer fast = build.apply(DataType.FLOAT);
        for (int p = 0; p < plain.parameters().size(); p++) {
            // the float32 draws, exactly, in the float64 layer
            plain.parameters().get(p).assign(fast.parameters().get(p).castTo(DataType.DOUBLE));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int n : new int[] {6, 6, 4}) {
            INDArray x = LayerGradientTest.random(random, plain.input().batch(n));
            INDArray xf = x.castTo(DataType.FLOAT);
            String name = plain.kind() + " " + plain.input() + " -> " + plain.output() + ", batch " + n + ": ";
            INDArray y = plain.forward(x, true);
            INDArray yf = fast.forward(xf, true);
            compare(y, yf, name + "training output");
            INDArray dy = LayerGradientTest.random(random, y.shape());
            compare(plain.backward(x, y, dy), fast.backward(xf, yf, dy.castTo(DataType.FLOAT)), name + "input gradient");
            List<String> names = plain.parameterNames();
            for (int p = 0; p < names.size(); p++) {
                compare(plain.gradients().get(p), fast.gradients().get(p), name + names.get(p) + " gradient");
            }
            for (int s = 0; s < plain.statistics().size(); s++) {
                compare(plain.statistics().get(s), fast.statistics().get(s), name + plain.statisticNames().get(s));
            }
            compare(plain.forward(x, false), fast.forward(xf, false), name + "evaluation output");
        }
    }

    private static SplittableRandom init() {
        return new SplittableRandom(3);
    }

    @Test
    void convolutionsOfW5MatchThePlainPath() {
        check(t -> new Conv(Shape.image(1, 28, 28), 16, 3, 3, 1, t, init()), 1);
        check(t -> new Conv(Shape.image(16, 5, 5), 32, 3, 2, 1, t, init()), 2);
        check(t -> new Conv(Shape.image(32, 2, 2), 64, 2, 1, 0, t, init()), 3);
        check(t -> new Conv(Shape.image(3, 7, 7), 4, 3, 1, 2, t, init()), 4);
    }

    @Test
    void transposedConvolutionsOfW5MatchThePlainPath() {
        check(t -> new ConvTranspose(Shape.image(64, 1, 1), 32, 2, 1, 0, 0, t, init()), 5);
        check(t -> new ConvTranspose(Shape.image(32, 2, 2), 16, 3, 2, 0, 0, t, init()), 6);
        check(t -> new ConvTranspose(Shape.image(16, 5, 5), 8, 5, 3, 1, 0, t, init()), 7);
        check(t -> new ConvTranspose(Shape.image(8, 15, 15), 1, 2, 2, 1, 0, t, init()), 8);
        check(t -> new ConvTranspose(Shape.image(3, 3, 3), 2, 3, 2, 1, 1, t, init()), 9);
    }

    @Test
    void batchNormMatchesThePlainPathOnImagesAndVectors() {
        check(t -> new BatchNorm(Shape.image(16, 10, 10), 0.1, 1e-5, t), 10);
        check(t -> new BatchNorm(Shape.image(32, 1, 1), 0.1, 1e-5, t), 11);
        check(t -> new BatchNorm(Shape.vector(64), 0.3, 1e-3, t), 12);
    }

    @Test
    void maxPoolMatchesThePlainPath() {
        check(t -> new MaxPool(Shape.image(16, 10, 10), 2, 2), 13);
        check(t -> new MaxPool(Shape.image(32, 3, 3), 2, 1), 14);
    }

    @Test
    void denseLayersOfW5MatchThePlainPath() {
        check(t -> new Dense(Shape.vector(64), 2, t, init()), 16);
        check(t -> new Dense(Shape.vector(2), 64, t, init()), 17);
        check(t -> new Dense(Shape.image(2, 2, 2), 3, t, init()), 18);
    }

    @Test
    void activationsMatchThePlainPath() {
        for (String kind : Activate.KINDS) {
            check(t -> new Activate(kind, Shape.image(8, 15, 15), 0.2), 15);
        }
    }
}
