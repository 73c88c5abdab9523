package io.layerwise.regularizer.contractive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.BatchBuffers;
import io.layerwise.core.nn.DenseAutoencoder;
import io.layerwise.core.nn.Loss;
import io.layerwise.testing.FiniteDifferences;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The contractive penalty in float64 on a batch of 5 inputs of width 6 and 4 hidden units: its value against the
 * Jacobian of the encoder taken by finite differences, its two hooks against central differences of the value
 * ({@code eps = 1e-6}), and the whole autoencoder's gradient with it ({@code eps = 1e-5}); relative error
 * {@code |g - g_fd| / max(|g|, |g_fd|, 1e-3)} below 1e-6 throughout.
 */
class ContractiveRegularizerTest {
    static final int B = 5;
    static final int N = 6;
    static final int H = 4;

    static Penalty contractive(double lambda) {
        return new ContractiveRegularizer().configure(new Spec("stages[0].regularizers[0]", Map.of("lambda", lambda)));
    }

    static INDArray random(int rows, int cols, long seed, double scale) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, scale * r.nextGaussian());
        }
        return a;
    }

    static INDArray encode(INDArray x, INDArray w, INDArray bh) {
        return Transforms.sigmoid(x.mmul(w).addRowVector(bh), true);
    }

    /** lambda * mean_b ||dy/dx||_F^2 with the Jacobian of y = s(x W + bh) taken by central differences in x. */
    @Test
    void valueIsLambdaTimesTheMeanSquaredFrobeniusNormOfTheEncodersJacobian() {
        INDArray x = random(B, N, 1, 1);
        INDArray w = random(N, H, 2, 0.7);
        INDArray bh = random(1, H, 3, 0.3);
        double eps = 1e-6;
        double sum = 0;
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < N; i++) {
                INDArray plus = x.getRow(b).dup().reshape(1, N);
                INDArray minus = plus.dup();
                plus.putScalar(0, i, plus.getDouble(0, i) + eps);
                minus.putScalar(0, i, minus.getDouble(0, i) - eps);
                INDArray column = encode(plus, w, bh).sub(encode(minus, w, bh)).div(2 * eps); // dy/dx_i
                sum += column.mul(column).sumNumber().doubleValue();
            }
        }
        double value = contractive(0.3).onHidden(encode(x, w, bh), Nd4j.zeros(DataType.DOUBLE, B, H), w);
        assertEquals(0.3 * sum / B, value, 1e-8 * value);
    }

    @Test
    void hiddenSideDeltaMatchesFiniteDifferences() {
        Penalty p = contractive(0.4);
        INDArray w = random(N, H, 2, 0.7);
        INDArray y = Transforms.sigmoid(random(B, H, 4, 1.5), true);
        check(y, (a, g) -> p.onHidden(a, g, w));
    }

    @Test
    void weightSideGradientMatchesFiniteDifferencesOfTheValue() {
        Penalty p = contractive(0.4);
        INDArray w = random(N, H, 2, 0.7);
        INDArray y = Transforms.sigmoid(random(B, H, 4, 1.5), true);
        // P's explicit dependence on W: the value (computed in onHidden) with the activations held fixed
        check(w, (a, g) -> {
            p.onWeights(a, g, y);
            return p.onHidden(y, Nd4j.zeros(DataType.DOUBLE, B, H), a);
        });
    }

    /** The total gradient: the hidden-side delta through f'(u) plus the explicit weight term. */
    @ParameterizedTest(name = "tied={0}")
    @ValueSource(booleans = {true, false})
    void wholeAutoencoderGradientMatchesFiniteDifferences(boolean tied) {
        List<Penalty> penalties = List.of(contractive(0.5));
        Architecture arch = new Architecture(N, H, tied, Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY);
        INDArray x = Transforms.sigmoid(random(B, N, 1, 1), true);
        double eps = 1e-5;
        try (DenseAutoencoder ae = DenseAutoencoder.initialise(arch, 42, DataType.DOUBLE);
                BatchBuffers b = ae.buffers(B)) {
            ae.hiddenBias().assign(random(1, H, 5, 0.5));
            ae.visibleBias().assign(random(1, N, 6, 0.5));
            ae.gradient(x, x, b, penalties);
            List<INDArray> analytic = ae.gradients().stream().map(INDArray::dup).toList();
            double worst = FiniteDifferences.worstError(ae.parameters(), analytic,
                    () -> ae.gradient(x, x, b, penalties).mean(B), eps);
            assertTrue(worst < 1e-6, "worst relative error " + worst);
        }
    }

    @Test
    void lambdaZeroLeavesEverythingAlone() {
        Penalty p = contractive(0);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, B, H);
        assertEquals(0.0, p.onHidden(Nd4j.ones(DataType.DOUBLE, B, H).muli(0.5), g, random(N, H, 2, 1)));
        assertEquals(0.0, g.sumNumber().doubleValue());
    }

    @Test
    void negativeLambdaIsRejectedWithItsPath() {
        assertEquals("stages[0].regularizers[0].lambda must be in [0, inf), got -1.0",
                assertThrows(SpecException.class, () -> contractive(-1)).getMessage());
    }

    @Test
    void describesItsParameters() {
        assertEquals("contractive(lambda=0.1)", new ContractiveRegularizer().configure(Spec.empty("r")).describe());
    }

    /** {@code hook} adds dP/da into a random base gradient (it must add, not overwrite); compared entry by entry. */
    static void check(INDArray a, FiniteDifferences.Hook hook) {
        FiniteDifferences.checkHook(a, hook, 1e-6, 1e-6);
    }
}
