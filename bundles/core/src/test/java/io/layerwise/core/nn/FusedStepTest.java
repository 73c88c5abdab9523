package io.layerwise.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.core.optim.Sgd;
import io.layerwise.testing.QuadraticTestPenalty;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 training path (OpenBLAS called directly, the tied weight gradient as one stacked product, biases added
 * by rank-one products) against the float64 path through ND4J that {@link GradientCheckTest} checks by finite
 * differences; and {@link DenseAutoencoder#descend} against {@code gradient} followed by {@link Sgd}. Tolerances are
 * float32 rounding with room for other BLAS kernels (measured here: 0.1-0.2 of them); a wrong or missing term
 * of an update is of the order {@code lr g}, 1e-3 and more.
 */
class FusedStepTest {
    static final int B = 7;
    static final int N = 12;
    static final int H = 9;

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(true, false), Arguments.of(false, false), Arguments.of(true, true),
                Arguments.of(false, true));
    }

    @ParameterizedTest(name = "tied={0} penalty={1}")
    @MethodSource("cases")
    void float32GradientMatchesTheFloat64One(boolean tied, boolean penalty) {
        List<Penalty> penalties = penalties(penalty);
        try (DenseAutoencoder single = autoencoder(tied, DataType.FLOAT);
                DenseAutoencoder dbl = autoencoder(tied, DataType.DOUBLE);
                BatchBuffers bs = single.buffers(B);
                BatchBuffers bd = dbl.buffers(B)) {
            INDArray x = data(3);
            double lossSingle = single.gradient(x.castTo(DataType.FLOAT), x.castTo(DataType.FLOAT), bs, penalties)
                    .mean(B);
            double lossDouble = dbl.gradient(x, x, bd, penalties).mean(B);
            assertEquals(lossDouble, lossSingle, 1e-5 * Math.abs(lossDouble));
            for (int p = 0; p < single.gradients().size(); p++) {
                assertClose(dbl.gradients().get(p), single.gradients().get(p), 1e-5, "gradient " + p);
            }
        }
    }

    @ParameterizedTest(name = "tied={0} penalty={1}")
    @MethodSource("cases")
    void descendEqualsGradientThenPlainSgd(boolean tied, boolean penalty) {
        List<Penalty> penalties = penalties(penalty);
        double lr = 0.3;
        try (DenseAutoencoder fused = autoencoder(tied, DataType.FLOAT);
                DenseAutoencoder reference = autoencoder(tied, DataType.FLOAT);
                BatchBuffers bf = fused.buffers(B);
                BatchBuffers br = reference.buffers(B);
                Sgd sgd = new Sgd(new Sgd.Options(lr, 0), reference.parameters())) {
            INDArray clean = data(5).castTo(DataType.FLOAT);
            for (int step = 0; step < 3; step++) {
                // the corrupted input as a DAE writes it, into the buffer the stacked product reads
                INDArray corrupted = bf.corrupted();
                corrupted.assign(clean.mul(0.5 + 0.25 * step));
                br.corrupted().assign(corrupted);
                double fusedLoss = fused.descend(corrupted, clean, bf, penalties, lr).mean(B);
                double referenceLoss = reference.gradient(br.corrupted(), clean, br, penalties).mean(B);
                sgd.step(reference.parameters(), reference.gradients());
                assertEquals(referenceLoss, fusedLoss, 1e-5 * Math.abs(referenceLoss), "objective, step " + step);
            }
            // a plain autoencoder's input is the data itself, not the buffer: it is copied for the stacked product
            fused.descend(clean, clean, bf, penalties, lr);
            reference.gradient(clean, clean, br, penalties);
            sgd.step(reference.parameters(), reference.gradients());
            for (int p = 0; p < fused.parameters().size(); p++) {
                assertClose(reference.parameters().get(p), fused.parameters().get(p), 5e-6, "parameter " + p);
            }
        }
    }

    @ParameterizedTest(name = "tied={0} penalty={1}")
    @MethodSource("cases")
    void descendRejectsARateThatIsNotPositive(boolean tied, boolean penalty) {
        try (DenseAutoencoder ae = autoencoder(tied, DataType.FLOAT); BatchBuffers b = ae.buffers(B)) {
            INDArray x = data(1).castTo(DataType.FLOAT);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ae.descend(x, x, b, penalties(penalty), 0));
            assertEquals("lr must be positive, got 0.0", e.getMessage());
        }
    }

    private static List<Penalty> penalties(boolean penalty) {
        return penalty ? List.of(new QuadraticTestPenalty(0.3, 0.05, 0.2)) : List.of();
    }

    private static DenseAutoencoder autoencoder(boolean tied, DataType type) {
        DenseAutoencoder ae = DenseAutoencoder.initialise(
                new Architecture(N, H, tied, Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY), 42, type);
        Random r = new Random(9);
        for (INDArray bias : List.of(ae.hiddenBias(), ae.visibleBias())) {
            for (long i = 0; i < bias.length(); i++) {
                bias.putScalar(i, r.nextDouble() - 0.5);
            }
        }
        return ae;
    }

    private static INDArray data(long seed) {
        return GradientCheckTest.unitData(seed, B, N);
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-3);
        double worst = 0;
        for (long i = 0; i < expected.length(); i++) {
            worst = Math.max(worst, Math.abs(expected.getDouble(i) - actual.getDouble(i)));
        }
        assertTrue(worst <= relative * scale, what + ": largest difference " + worst + " at scale " + scale);
    }
}
