package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.spec.Spec;
import io.layerwise.core.nn.Activation;
import io.layerwise.core.nn.Architecture;
import io.layerwise.core.nn.BatchBuffers;
import io.layerwise.core.nn.DenseAutoencoder;
import io.layerwise.core.nn.Loss;
import io.layerwise.testing.FiniteDifferences;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole objective {@code E = mean_b L_b + P} of a 6-4 autoencoder (sigmoid encoder and decoder, cross-entropy)
 * with each built-in regularizer, and with all of them at once, differentiated by the engine's code path
 * ({@link DenseAutoencoder#gradient}) and by central differences in float64 ({@code eps = 1e-5}, batch of 5):
 * {@code |g - g_fd| / max(|g|, |g_fd|, 1e-3) < 1e-6} for every entry of W, bh, bv (and Wdec). kl-sparsity runs with
 * {@code lambda = 0}, so that {@code rho^} is the batch mean and {@code P} a function of the parameters alone;
 * {@code l2} with {@code decoder} also decays an untied decoder's weights (the sparse sweep's recipe).
 */
class AutoencoderGradientCheckTest {
    static final double EPS = 1e-5;
    static final int B = 5;
    static final int N = 6;
    static final int H = 4;

    static Stream<Arguments> cases() {
        Map<String, Object> kl = Map.of("name", "kl-sparsity", "rho", 0.1, "beta", 0.8, "lambda", 0);
        Map<String, Object> l1 = Map.of("name", "l1", "lambda", 0.05);
        Map<String, Object> l1a = Map.of("name", "l1-activity", "lambda", 0.3);
        Map<String, Object> l2 = Map.of("name", "l2", "lambda", 0.2);
        Map<String, Object> l2Decoder = Map.of("name", "l2", "lambda", 0.2, "decoder", true); // the sparse sweep's
        List<Arguments> cases = new ArrayList<>();
        for (boolean tied : new boolean[] {true, false}) {
            for (List<Map<String, Object>> list : List.of(List.of(kl), List.of(l1), List.of(l1a), List.of(kl, l1, l1a, l2),
                    List.of(kl, l2Decoder))) {
                cases.add(Arguments.of(tied, list));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "tied={0} {1}")
    @MethodSource("cases")
    void sparseAutoencoderGradientMatchesFiniteDifferences(boolean tied, List<Map<String, Object>> regularizers) {
        List<Penalty> penalties = new ArrayList<>();
        for (Map<String, Object> r : regularizers) {
            penalties.add(regularizer((String) r.get("name")).configure(new Spec("r", r)));
        }
        Architecture arch = new Architecture(N, H, tied, Activation.SIGMOID, Activation.SIGMOID, Loss.CROSS_ENTROPY);
        INDArray x = FiniteDifferences.matrix(B, N, 1, Random::nextDouble);
        try (DenseAutoencoder ae = DenseAutoencoder.initialise(arch, 42, DataType.DOUBLE);
                BatchBuffers b = ae.buffers(B)) {
            Random r = new Random(5);
            for (INDArray bias : List.of(ae.hiddenBias(), ae.visibleBias())) {
                for (long i = 0; i < bias.length(); i++) {
                    bias.putScalar(i, r.nextDouble() - 0.5);
                }
            }
            ae.gradient(x, x, b, penalties);
            List<INDArray> analytic = ae.gradients().stream().map(INDArray::dup).toList();
            double worst = FiniteDifferences.worstError(ae.parameters(), analytic,
                    () -> ae.gradient(x, x, b, penalties).mean(B), EPS);
            assertTrue(worst < 1e-6, regularizers + ": worst relative error " + worst);
        }
    }

    static Regularizer regularizer(String name) {
        return switch (name) {
            case "kl-sparsity" -> new KlSparsityRegularizer();
            case "l1" -> new L1Regularizer();
            case "l1-activity" -> new L1ActivityRegularizer();
            case "l2" -> new L2Regularizer();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
