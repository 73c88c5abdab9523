package io.layerwise.finetune.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.stage.DenseLayer;
import io.layerwise.api.stage.Parameter;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.optim.OptimizerSpec;
import io.layerwise.testing.FiniteDifferences;
import java.util.ArrayList;
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

/** Back-propagation through pretrained layers, extra layers and the softmax against central differences (float64). */
class MlpGradientCheckTest {
    static final int B = 5;
    static final int N = 6;
    static final int CLASSES = 3;
    static final double EPS = 1e-6;
    static final double TOLERANCE = 1e-5;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(List.of(), List.of(), "sigmoid"),                 // softmax regression alone
                Arguments.of(List.of(4), List.of(), "sigmoid"),               // one pretrained layer
                Arguments.of(List.of(5, 4), List.of(), "tanh"),               // two pretrained layers
                Arguments.of(List.of(5), List.of(3), "sigmoid"),              // pretrained + extra hidden layer
                Arguments.of(List.of(4), List.of(3), "identity"));
    }

    @ParameterizedTest(name = "pretrained={0} extra={1} activation={2}")
    @MethodSource("shapes")
    void gradientMatchesFiniteDifferences(List<Integer> pretrained, List<Integer> extra, String activation) {
        Random r = new Random(3);
        List<DenseLayer> encoders = new ArrayList<>();
        int width = N;
        for (int h : pretrained) {
            encoders.add(new DenseLayer(new Parameter("W", new int[] {width, h}, random(width * h, r)),
                    new Parameter("b", new int[] {h}, random(h, r)), activation));
            width = h;
        }
        FineTuneOptions options = new FineTuneOptions(extra, Activation.fromJson(activation), 1, B, OptimizerSpec.sgd(0.1, 0));
        int[] labels = new int[B];
        for (int i = 0; i < B; i++) {
            labels[i] = r.nextInt(CLASSES);
        }
        INDArray x = Nd4j.rand(DataType.DOUBLE, B, N);
        try (Mlp mlp = SoftmaxFineTuner.build(encoders, N, CLASSES, options, 9, DataType.DOUBLE);
                Mlp.Buffers b = mlp.buffers(B)) {
            // the head starts at zero; move it so that every path carries a gradient
            randomise(mlp.parameters().get(mlp.parameters().size() - 2), r);
            randomise(mlp.parameters().get(mlp.parameters().size() - 1), r);
            assertGradient(mlp, x, labels, b);
        }
    }

    @ParameterizedTest(name = "output activation {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sigmoid", "identity"})
    void unrolledAutoencoderGradientMatchesFiniteDifferences(String outputActivation) {
        Random r = new Random(4);
        // 6 -> 4 (sigmoid) -> 2 (identity code) -> 4 (sigmoid) -> 6 (output)
        List<DenseLayer> encoders = List.of(layer(N, 4, "sigmoid", r), layer(4, 2, "identity", r));
        List<DenseLayer> decoders = List.of(layer(4, N, outputActivation, r), layer(2, 4, "sigmoid", r));
        INDArray x = Nd4j.rand(DataType.DOUBLE, B, N); // in (0, 1): a cross-entropy target
        try (Mlp mlp = UnrolledAutoencoderTuner.build(encoders, decoders, N, DataType.DOUBLE);
                Mlp.Buffers b = mlp.buffers(B)) {
            assertEquals(3, mlp.depth(), "4 layers: 3 hidden and the output");
            assertGradient(mlp, x, null, b);
        }
    }

    private static DenseLayer layer(int in, int out, String activation, Random r) {
        return new DenseLayer(new Parameter("W", new int[] {in, out}, random(in * out, r)),
                new Parameter("b", new int[] {out}, random(out, r)), activation);
    }

    private static void assertGradient(Mlp mlp, INDArray x, int[] labels, Mlp.Buffers b) {
        mlp.gradient(x, labels, 0, b);
        List<INDArray> analytic = mlp.gradients().stream().map(INDArray::dup).toList();
        double worst = FiniteDifferences.worstError(mlp.parameters(), analytic, () -> mlp.gradient(x, labels, 0, b) / B,
                EPS);
        assertTrue(worst < TOLERANCE, "worst relative error " + worst);
    }

    @Test
    void lossOfAZeroHeadIsLogOfTheClassCount() {
        FineTuneOptions options = new FineTuneOptions(List.of(), Activation.SIGMOID, 1, B, OptimizerSpec.sgd(0.1, 0));
        try (Mlp mlp = SoftmaxFineTuner.build(List.of(), N, CLASSES, options, 9, DataType.DOUBLE);
                Mlp.Buffers b = mlp.buffers(B)) {
            double loss = mlp.evaluate(Nd4j.rand(DataType.DOUBLE, B, N), new int[] {0, 1, 2, 0, 1}, 0, b, null);
            assertEquals(B * Math.log(CLASSES), loss, 1e-12, "uniform predictions: -log(1/3) per sample");
        }
    }

    private static float[] random(int n, Random r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }

    private static void randomise(INDArray a, Random r) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, 2 * r.nextDouble() - 1);
        }
    }
}
