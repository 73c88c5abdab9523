package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.testing.FiniteDifferences;
import io.layerwise.testing.QuadraticTestPenalty;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Analytic gradients of the minibatch objective against central finite differences
 * {@code (E(theta + eps) - E(theta - eps)) / 2 eps} in float64, {@code eps = 1e-5}, on a 5 x 6 batch with 4 hidden
 * units. Tolerance: {@code |g - g_fd| / max(|g|, |g_fd|, 1e-3) < 1e-6} for every parameter entry.
 */
class GradientCheckTest {
    static final double EPS = 1e-5;
    static final double TOLERANCE = 1e-6;
    static final int B = 5;
    static final int N = 6;
    static final int H = 4;

    static Stream<Arguments> architectures() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean tied : new boolean[] {true, false}) {
            for (Activation enc : Activation.values()) {
                cases.add(Arguments.of(tied, enc, Activation.SIGMOID, Loss.CROSS_ENTROPY));
                for (Activation dec : Activation.values()) {
                    cases.add(Arguments.of(tied, enc, dec, Loss.SQUARED));
                    cases.add(Arguments.of(tied, enc, dec, Loss.MEAN_SQUARED));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "tied={0} encoder={1} decoder={2} loss={3}")
    @MethodSource("architectures")
    void autoencoderGradientMatchesFiniteDifferences(boolean tied, Activation enc, Activation dec, Loss loss) {
        Architecture arch = new Architecture(N, H, tied, enc, dec, loss);
        INDArray x = unitData(1);
        check(arch, x, x, List.of());
    }

    @ParameterizedTest(name = "tied={0}")
    @MethodSource("tiedOrNot")
    void denoisingGradientWithFixedMaskMatchesFiniteDifferences(boolean tied) {
        Architecture arch = new Architecture(N, H, tied, Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY);
        INDArray x = unitData(2);
        INDArray mask = Nd4j.create(DataType.DOUBLE, B, N);
        Random r = new Random(3);
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < N; j++) {
                mask.putScalar(i, j, r.nextDouble() < 0.3 ? 0 : 1);
            }
        }
        check(arch, x.mul(mask), x, List.of());
    }

    @ParameterizedTest(name = "tied={0}")
    @MethodSource("tiedOrNot")
    void penaltyHooksEnterTheGradientInTheDocumentedPlaces(boolean tied) {
        Architecture arch = new Architecture(N, H, tied, Activation.TANH, Activation.SIGMOID, Loss.CROSS_ENTROPY);
        INDArray x = unitData(4);
        check(arch, x, x, List.of(new QuadraticTestPenalty(0.3, 0.05, 0.2)));
    }

    static Stream<Boolean> tiedOrNot() {
        return Stream.of(true, false);
    }

    private static void check(Architecture arch, INDArray input, INDArray target, List<Penalty> penalties) {
        try (DenseAutoencoder ae = DenseAutoencoder.initialise(arch, 42, DataType.DOUBLE);
                BatchBuffers b = ae.buffers(B)) {
            Random r = new Random(5);
            // non-zero biases, so that their gradient paths are exercised away from the initial point
            randomise(ae.hiddenBias(), r, 0.5);
            randomise(ae.visibleBias(), r, 0.5);
            ae.gradient(input, target, b, penalties);
            List<INDArray> analytic = new ArrayList<>();
            ae.gradients().forEach(g -> analytic.add(g.dup()));
            // a ReLU entry must not cross its kink within +-EPS, or the central difference is meaningless
            Runnable kink = arch.encoder() == Activation.RELU ? () -> assertAwayFromKink(ae, input, b) : null;
            double worst = FiniteDifferences.worstError(ae.parameters(), analytic,
                    () -> ae.gradient(input, target, b, penalties).mean(B), EPS, kink);
            assertTrue(worst < TOLERANCE, arch + " " + penalties + ": worst relative error " + worst);
        }
    }

    private static void assertAwayFromKink(DenseAutoencoder ae, INDArray input, BatchBuffers b) {
        INDArray u = input.mmul(ae.weights()).addiRowVector(ae.hiddenBias());
        double closest = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMin(u)).getDouble(0);
        assertTrue(closest > 10 * EPS, "relu pre-activation too close to 0: " + closest);
    }

    static INDArray unitData(long seed) {
        return unitData(seed, B, N);
    }

    /** Uniform values in [0, 1), float64, drawn row by row from {@code seed}. */
    static INDArray unitData(long seed, int rows, int cols) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x.putScalar(i, j, r.nextDouble());
            }
        }
        return x;
    }

    private static void randomise(INDArray a, Random r, double scale) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, (2 * r.nextDouble() - 1) * scale);
        }
    }
}
