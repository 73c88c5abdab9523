package io.layerwise.core.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
        // grids 8 or more wide: im2col / col2im along the rows (narrower ones across the samples)
        check(t -> new Conv(Shape.image(2, 18, 18), 3, 3, 1, 1, t, init()), 19);
    }

    @Test
    void transposedConvolutionsOfW5MatchThePlainPath() {
        check(t -> new ConvTranspose(Shape.image(64, 1, 1), 32, 2, 1, 0, 0, t, init()), 5);
        check(t -> new ConvTranspose(Shape.image(32, 2, 2), 16, 3, 2, 0, 0, t, init()), 6);
        check(t -> new ConvTranspose(Shape.image(16, 5, 5), 8, 5, 3, 1, 0, t, init()), 7);
        check(t -> new ConvTranspose(Shape.image(8, 15, 15), 1, 2, 2, 1, 0, t, init()), 8);
        check(t -> new ConvTranspose(Shape.image(3, 3, 3), 2, 3, 2, 1, 1, t, init()), 9);
        check(t -> new ConvTranspose(Shape.image(2, 16, 16), 3, 3, 1, 1, 0, t, init()), 20);
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

    /**
     * Windows with equal maxima (after a rectifier and batch-norm, every rectified zero of a channel becomes the same
     * value) send the gradient to the first of them in both paths; -0 and +0 count as equal, NaN propagates.
     */
    @Test
    void maxPoolBreaksTiesAsThePlainPath() {
        float[] levels = {-1f, -0f, 0f, 0.5f, 0.5f, 2f};
        for (int[] shape : new int[][] {{16, 10, 10, 2, 2}, {32, 3, 3, 2, 1}, {3, 7, 7, 3, 2}}) {
            Shape in = Shape.image(shape[0], shape[1], shape[2]);
            MaxPool plain = new MaxPool(in, shape[3], shape[4]);
            MaxPool fast = new MaxPool(in, shape[3], shape[4]);
            SplittableRandom random = new SplittableRandom(shape[0]);
            float[] values = new float[5 * in.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = levels[random.nextInt(levels.length)];
            }
            INDArray xf = Nd4j.create(values, in.batch(5));
            INDArray x = xf.castTo(DataType.DOUBLE);
            INDArray y = plain.forward(x, true);
            INDArray yf = fast.forward(xf, true);
            compare(y, yf, "ties " + in + " output");
            INDArray dy = LayerGradientTest.random(random, y.shape());
            compare(plain.backward(x, y, dy), fast.backward(xf, yf, dy.castTo(DataType.FLOAT)), "ties " + in
                    + " input gradient");
        }
        MaxPool pool = new MaxPool(Shape.image(1, 2, 2), 2, 2);
        INDArray nan = pool.forward(Nd4j.create(new float[] {1f, Float.NaN, 3f, 2f}, 1, 1, 2, 2), true);
        assertTrue(Float.isNaN(nan.getFloat(0)), "a NaN in the window is its maximum");
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

    /**
     * A convolution, a rectifier and batch-norm run as one float32 {@link ConvBlock} by {@link Sequential} against
     * the same layers in float64 one by one: output, input gradient (and none asked of the first layer), every
     * parameter gradient, running statistics and evaluation.
     */
    private static void checkBlock(Function<DataType, Layer> conv, double slope, long seed) {
        Sequential plain = block(conv, DataType.DOUBLE, slope);
        Sequential fast = block(conv, DataType.FLOAT, slope);
        for (int p = 0; p < plain.parameters().size(); p++) {
            plain.parameters().get(p).assign(fast.parameters().get(p).castTo(DataType.DOUBLE));
        }
        SplittableRandom random = new SplittableRandom(seed);
        Shape in = plain.layers().get(0).input();
        for (int n : new int[] {6, 6, 4}) {
            String name = "block " + in + ", slope " + slope + ", batch " + n + ": ";
            INDArray x = LayerGradientTest.random(random, in.batch(n));
            INDArray xf = x.castTo(DataType.FLOAT);
            Sequential.Tape t = plain.forward(x, true);
            Sequential.Tape tf = fast.forward(xf, true);
            assertTrue(tf.values().get(1) == null, name + "the block ran (its inner values are not kept)");
            compare(t.output(), tf.output(), name + "training output");
            INDArray dy = LayerGradientTest.random(random, t.output().shape());
            INDArray dyf = dy.castTo(DataType.FLOAT);
            boolean inputGradient = n != 4;
            INDArray dx = plain.backward(t, dy);
            INDArray dxf = fast.backward(tf, dyf, plain.layers().size(), inputGradient);
            if (inputGradient) {
                compare(dx, dxf, name + "input gradient");
            } else {
                assertTrue(dxf == null, name + "no input gradient asked, none computed");
            }
            for (int p = 0; p < plain.gradients().size(); p++) {
                compare(plain.gradients().get(p), fast.gradients().get(p), name + "gradient " + p);
            }
            Layer norm = plain.layers().get(2);
            for (int s = 0; s < norm.statistics().size(); s++) {
                compare(norm.statistics().get(s), fast.layers().get(2).statistics().get(s),
                        name + norm.statisticNames().get(s));
            }
            compare(plain.apply(x, false), fast.apply(xf, false), name + "evaluation output");
        }
    }

    private static Sequential block(Function<DataType, Layer> conv, DataType type, double slope) {
        Layer c = conv.apply(type);
        Shape s = c.output();
        // a layer after the block: a block never ends the network
        return new Sequential(List.of(c, new Activate("leaky-relu", s, slope), new BatchNorm(s, 0.1, 1e-5, type),
                new Activate("identity", s, 0)));
    }

    @Test
    void convolutionBlocksOfW5MatchTheLayersOneByOne() {
        checkBlock(t -> new Conv(Shape.image(1, 28, 28), 16, 3, 3, 1, t, init()), 0, 21);
        checkBlock(t -> new Conv(Shape.image(16, 5, 5), 32, 3, 2, 1, t, init()), 0, 22);
        checkBlock(t -> new Conv(Shape.image(32, 2, 2), 64, 2, 1, 0, t, init()), 0, 23);
        checkBlock(t -> new Conv(Shape.image(3, 7, 7), 4, 3, 1, 2, t, init()), 0.2, 24);
    }

    @Test
    void transposedConvolutionBlocksOfW5MatchTheLayersOneByOne() {
        checkBlock(t -> new ConvTranspose(Shape.image(64, 1, 1), 32, 2, 1, 0, 0, t, init()), 0, 25);
        checkBlock(t -> new ConvTranspose(Shape.image(32, 2, 2), 16, 3, 2, 0, 0, t, init()), 0, 26);
        checkBlock(t -> new ConvTranspose(Shape.image(16, 5, 5), 8, 5, 3, 1, 0, t, init()), 0, 27);
        checkBlock(t -> new ConvTranspose(Shape.image(3, 3, 3), 2, 3, 2, 1, 1, t, init()), 0.2, 28);
    }

    @Test
    void aBlockIsNotFormedAtTheEndOrAcrossOtherLayers() {
        Shape s = Shape.image(2, 3, 3);
        Layer conv = new Conv(Shape.image(1, 3, 3), 2, 1, 1, 0, DataType.FLOAT, init());
        Layer norm = new BatchNorm(s, 0.1, 1e-5, DataType.FLOAT);
        // ending the network: the three layers run one by one, so every value is kept
        Sequential last = new Sequential(List.of(conv, new Activate("relu", s, 0), norm));
        Sequential.Tape t = last.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 3, 3), true);
        assertTrue(t.values().stream().allMatch(v -> v != null), "values of a network ending in conv, relu, bn");
        // tanh is not a rectifier
        Sequential tanh = new Sequential(List.of(conv, new Activate("tanh", s, 0), norm,
                new Activate("identity", s, 0)));
        t = tanh.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 3, 3), true);
        assertTrue(t.values().stream().allMatch(v -> v != null), "values of conv, tanh, bn");
    }
}
