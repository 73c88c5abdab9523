package io.layerwise.regularizers.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.regularizer.Penalty;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central differences {@code (P(a + eps) - P(a - eps)) / 2 eps} in float64 against a hook's gradient, entry by entry:
 * {@code |g - g_fd| / max(|g|, |g_fd|, 1e-3)} must stay below the tolerance.
 */
final class FiniteDifferences {
    static final double EPS = 1e-6;

    private FiniteDifferences() {
    }

    /**
     * Checks a hook's gradient with respect to {@code a}. {@code hook} must add {@code dP/da} into its second
     * argument and return {@code P}; it is first run on a random base gradient to check that it adds, not overwrites.
     */
    static void check(INDArray a, HookCall hook, double tolerance) {
        Random r = new Random(11);
        INDArray base = Nd4j.create(DataType.DOUBLE, a.shape());
        for (long i = 0; i < base.length(); i++) {
            base.putScalar(i, r.nextGaussian());
        }
        INDArray grad = base.dup();
        hook.call(a, grad);
        INDArray exact = grad.sub(base);
        double worst = 0;
        for (long i = 0; i < a.length(); i++) {
            double v = a.getDouble(i);
            a.putScalar(i, v + EPS);
            double plus = hook.call(a, Nd4j.zeros(DataType.DOUBLE, a.shape()));
            a.putScalar(i, v - EPS);
            double minus = hook.call(a, Nd4j.zeros(DataType.DOUBLE, a.shape()));
            a.putScalar(i, v);
            double numeric = (plus - minus) / (2 * EPS);
            double g = exact.getDouble(i);
            worst = Math.max(worst, Math.abs(g - numeric) / Math.max(Math.max(Math.abs(g), Math.abs(numeric)), 1e-3));
        }
        assertTrue(worst < tolerance, "worst relative error " + worst);
    }

    /** {@code P} and {@code grad += dP/da} for an argument {@code a}. */
    @FunctionalInterface
    interface HookCall {
        double call(INDArray a, INDArray grad);
    }

    /** The hidden-activation hook of a penalty as a {@link HookCall}. */
    static HookCall onHidden(Penalty p) {
        return (y, g) -> p.onHidden(y, g, null);
    }

    /** A B x H float64 matrix of values drawn by {@code value}. */
    static INDArray matrix(int rows, int cols, long seed, ToDoubleFunction<Random> value) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, value.applyAsDouble(r));
        }
        return a;
    }
}
