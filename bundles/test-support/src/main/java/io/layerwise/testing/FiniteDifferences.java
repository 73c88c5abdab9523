package io.layerwise.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Central differences {@code (f(a + eps) - f(a - eps)) / 2 eps} against an analytic gradient, entry by entry, in the
 * arrays' own precision (use float64). The error of an entry is
 * {@code |g - g_fd| / max(|g|, |g_fd|, 1e-3)}: relative where the gradient is large, absolute near zero.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** {@code |exact - numeric| / max(|exact|, |numeric|, 1e-3)}. */
    public static double relative(double exact, double numeric) {
        return Math.abs(exact - numeric) / Math.max(Math.max(Math.abs(exact), Math.abs(numeric)), 1e-3);
    }

    /**
     * The worst error over every entry of every parameter: each entry is moved by {@code +-eps} in place (and put
     * back), {@code objective} evaluated at both points and the central difference compared with the same entry of
     * {@code analytic}, computed before at the unmoved point.
     *
     * @param each called after each entry is put back (a check that needs the point, e.g. away from a kink), or null
     */
    public static double worstError(List<INDArray> parameters, List<INDArray> analytic, DoubleSupplier objective,
            double eps, Runnable each) {
        if (parameters.size() != analytic.size()) {
            throw new IllegalArgumentException(parameters.size() + " parameters but " + analytic.size() + " gradients");
        }
        double worst = 0;
        for (int p = 0; p < parameters.size(); p++) {
            INDArray theta = parameters.get(p);
            for (long i = 0; i < theta.length(); i++) {
                double v = theta.getDouble(i);
                theta.putScalar(i, v + eps);
                double plus = objective.getAsDouble();
                theta.putScalar(i, v - eps);
                double minus = objective.getAsDouble();
                theta.putScalar(i, v);
                worst = Math.max(worst, relative(analytic.get(p).getDouble(i), (plus - minus) / (2 * eps)));
                if (each != null) {
                    each.run();
                }
            }
        }
        return worst;
    }

    /** {@link #worstError(List, List, DoubleSupplier, double, Runnable)} with nothing to check at each entry. */
    public static double worstError(List<INDArray> parameters, List<INDArray> analytic, DoubleSupplier objective,
            double eps) {
        return worstError(parameters, analytic, objective, eps, null);
    }

    /**
     * Checks a hook's gradient with respect to {@code a}: {@code hook} must add {@code df/da} into its second argument
     * and return {@code f}. It is first run on a random base gradient, so a hook that overwrites instead of adding
     * fails.
     */
    public static void checkHook(INDArray a, Hook hook, double eps, double tolerance) {
        INDArray base = matrix(a.shape(), 11, Random::nextGaussian);
        INDArray grad = base.dup();
        hook.call(a, grad);
        INDArray exact = grad.sub(base);
        double worst = worstError(List.of(a), List.of(exact),
                () -> hook.call(a, Nd4j.zeros(DataType.DOUBLE, a.shape())), eps);
        assertTrue(worst < tolerance, "worst relative error " + worst + " (tolerance " + tolerance + ")");
    }

    /** {@code f} and {@code grad += df/da} for an argument {@code a}. */
    @FunctionalInterface
    public interface Hook {
        double call(INDArray a, INDArray grad);
    }

    /** A rows x cols float64 matrix of values drawn by {@code value} from {@code new Random(seed)}. */
    public static INDArray matrix(int rows, int cols, long seed, ToDoubleFunction<Random> value) {
        return matrix(new long[] {rows, cols}, seed, value);
    }

    private static INDArray matrix(long[] shape, long seed, ToDoubleFunction<Random> value) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, value.applyAsDouble(r));
        }
        return a;
    }
}
