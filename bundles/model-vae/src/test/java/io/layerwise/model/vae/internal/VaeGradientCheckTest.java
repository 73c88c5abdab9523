package io.layerwise.model.vae.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.core.nn.Activation;
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
 * Every gradient of the minibatch objective {@code E = (1/B) sum_b [-log p(x_b|z_b) + w KL_b]} against central
 * finite differences {@code (E(theta + h) - E(theta - h)) / 2h} in float64, {@code h = 1e-5}, with the noise
 * {@code eps} held fixed: the encoder's layers and both heads (through the reparameterised sample and the KL term),
 * the decoder's layers, and the likelihood's own parameter. A 5-row batch of 7 inputs, encoder [6, 5], latent 3,
 * decoder [4]; {@code |g - g_fd| / max(|g|, |g_fd|, 1e-2) < 1e-6} for every entry (the floor
 * admits the 1e-9 rounding of a difference quotient of an objective near 100, not a wrong gradient).
 */
class VaeGradientCheckTest {
    static final double H = 1e-5;
    static final double TOLERANCE = 1e-6;
    static final int B = 5;
    static final int N = 7;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Activation a : new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.IDENTITY}) {
            for (double w : new double[] {0.0, 1.0, 0.3}) {
                out.add(Arguments.of(Likelihood.BERNOULLI, Double.NaN, a, w));
                out.add(Arguments.of(Likelihood.GAUSSIAN, Double.NaN, a, w)); // learned variance
                out.add(Arguments.of(Likelihood.GAUSSIAN, 0.3, a, w)); // fixed variance
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} variance={1} activation={2} klWeight={3}")
    @MethodSource("cases")
    void everyGradientMatchesFiniteDifferencesWithTheNoiseFixed(Likelihood likelihood, double variance,
            Activation activation, double klWeight) {
        try (Vae vae = new Vae(N, List.of(6, 5), 3, List.of(4), activation, likelihood, variance, 11, DataType.DOUBLE);
                VaeBuffers b = vae.buffers(B)) {
            INDArray x = data(likelihood, 5);
            Random r = new Random(7);
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < 3; j++) {
                    b.eps.putScalar(i, j, r.nextGaussian());
                }
            }
            INDArray eps = b.eps.dup();
            vae.gradient(x, b, klWeight);
            List<INDArray> analytic = new ArrayList<>();
            vae.gradients().forEach(g -> analytic.add(g.dup()));
            List<INDArray> params = vae.parameters();
            List<String> names = vae.parameterNames();
            for (int p = 0; p < params.size(); p++) {
                INDArray theta = params.get(p);
                for (int k = 0; k < theta.length(); k++) {
                    double v = theta.getDouble(k);
                    theta.putScalar(k, v + H);
                    double plus = objective(vae, x, b, eps, klWeight);
                    theta.putScalar(k, v - H);
                    double minus = objective(vae, x, b, eps, klWeight);
                    theta.putScalar(k, v);
                    double fd = (plus - minus) / (2 * H);
                    double g = analytic.get(p).getDouble(k);
                    double rel = Math.abs(g - fd) / Math.max(Math.max(Math.abs(g), Math.abs(fd)), 1e-2);
                    assertTrue(rel < TOLERANCE, names.get(p) + "[" + k + "]: analytic " + g + ", finite difference " + fd
                            + " (relative error " + rel + ")");
                }
            }
        }
    }

    /** Gradients of the terms alone are not all zero: the check above would pass on a model that ignored them. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theKlTermMovesTheEncoderHeads(Likelihood likelihood, double variance, Activation activation, double klWeight) {
        if (klWeight == 0) {
            return;
        }
        try (Vae vae = new Vae(N, List.of(6), 3, List.of(4), activation, likelihood, variance, 3, DataType.DOUBLE);
                VaeBuffers b = vae.buffers(B)) {
            INDArray x = data(likelihood, 2);
            b.eps.assign(0.5);
            vae.gradient(x, b, 0.0);
            INDArray without = vae.gradients().get(4).dup(); // Wlogvar
            b.eps.assign(0.5);
            vae.gradient(x, b, klWeight);
            assertTrue(vae.gradients().get(4).sub(without).norm2Number().doubleValue() > 1e-6,
                    "the KL weight changes the log-variance head's gradient");
        }
    }

    private static double objective(Vae vae, INDArray x, VaeBuffers b, INDArray eps, double klWeight) {
        b.eps.assign(eps);
        return vae.terms(x, b).objective(klWeight) / B;
    }

    private static INDArray data(Likelihood likelihood, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.create(DataType.DOUBLE, B, N);
        for (int i = 0; i < B; i++) {
            for (int j = 0; j < N; j++) {
                x.putScalar(i, j, likelihood == Likelihood.BERNOULLI ? r.nextDouble() : 2 * r.nextGaussian());
            }
        }
        return x;
    }
}
