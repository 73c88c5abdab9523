package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The first three updates on one coordinate, {@code f(x) = (a/2)(x - c)^2} with {@code a = 2}, {@code c = 1},
 * {@code x0 = 0} (so {@code g0 = -2}), against the published formulas evaluated in plain double arithmetic (Adam in
 * the paper's {@code mhat}/{@code vhat} form, not the reordered one the class computes), and the first step against
 * its value worked out by hand. Tolerance 1e-15 (float64 arrays).
 */
class FirstStepsTest {
    static final double A = 2;
    static final double C = 1;
    static final double TOL = 1e-15;

    /** Three steps of {@code options}; returns x after each. */
    static double[] run(Optimizer.Options options) {
        try (INDArray x = Nd4j.zeros(DataType.DOUBLE, 1); INDArray g = Nd4j.zeros(DataType.DOUBLE, 1);
                Optimizer o = options.create(List.of(x), new Schedule.Constant())) {
            double[] out = new double[3];
            for (int t = 0; t < 3; t++) {
                g.putScalar(0, A * (x.getDouble(0) - C));
                o.step(List.of(x), List.of(g));
                out[t] = x.getDouble(0);
            }
            return out;
        }
    }

    static double grad(double x) {
        return A * (x - C);
    }

    @Test
    void nesterovLooksAheadByMuTimesTheNewVelocity() {
        double lr = 0.1;
        double mu = 0.9;
        double[] got = run(new Sgd.Options(lr, mu, true));
        double x = 0;
        double v = 0;
        for (int t = 0; t < 3; t++) {
            double g = grad(x);
            v = mu * v - lr * g;
            x = x + mu * v - lr * g;
            assertEquals(x, got[t], TOL, "step " + (t + 1));
        }
        assertEquals(0.38, got[0], TOL, "x1 = x0 - lr (1 + mu) g0 = 0.1 * 1.9 * 2");
        assertEquals(0.7776, got[1], TOL, "v2 = 0.9 * 0.2 + 0.124; x2 = 0.38 + 0.9 * 0.304 + 0.124");
    }

    @Test
    void classicalMomentumAddsTheVelocity() {
        double[] got = run(new Sgd.Options(0.1, 0.9));
        assertEquals(0.2, got[0], TOL, "x1 = -lr g0");
        assertEquals(0.2 + 0.9 * 0.2 + 0.1 * 1.6, got[1], TOL, "v2 = mu v1 - lr g1, g1 = -1.6");
    }

    @Test
    void adamFollowsAlgorithm1WithBiasCorrection() {
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] got = run(new Adam.Options(lr, b1, b2, eps));
        double x = 0;
        double m = 0;
        double v = 0;
        for (int t = 1; t <= 3; t++) {
            double g = grad(x);
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mhat = m / (1 - Math.pow(b1, t));
            double vhat = v / (1 - Math.pow(b2, t));
            x = x - lr * mhat / (Math.sqrt(vhat) + eps);
            assertEquals(x, got[t - 1], TOL, "step " + t);
        }
        // t = 1: mhat = g0, vhat = g0^2, so x1 = x0 - lr g0 / (|g0| + eps) = 0.1 * 2 / (2 + 1e-8)
        assertEquals(0.2 / (2 + 1e-8), got[0], TOL);
        assertEquals(0.0999999995, got[0], 1e-12);
    }

    @Test
    void rmsPropDividesByTheRootMeanSquare() {
        double lr = 0.01;
        double rho = 0.9;
        double eps = 1e-8;
        double[] got = run(new RmsProp.Options(lr, rho, eps));
        double x = 0;
        double s = 0;
        for (int t = 0; t < 3; t++) {
            double g = grad(x);
            s = rho * s + (1 - rho) * g * g;
            x = x - lr * g / (Math.sqrt(s) + eps);
            assertEquals(x, got[t], TOL, "step " + (t + 1));
        }
        // s1 = 0.1 * 4 = 0.4, x1 = 0.01 * 2 / (sqrt(0.4) + 1e-8) = 0.0316227761 (0.01 / sqrt(0.1), less 5e-10 for eps)
        assertEquals(0.02 / (Math.sqrt(0.4) + 1e-8), got[0], TOL);
        assertEquals(0.0316227761, got[0], 1e-10);
    }

    @Test
    void adaGradDividesByTheRootOfTheSumOfSquares() {
        double lr = 0.1;
        double eps = 1e-8;
        double[] got = run(new AdaGrad.Options(lr, eps));
        double x = 0;
        double sum = 0;
        for (int t = 0; t < 3; t++) {
            double g = grad(x);
            sum += g * g;
            x = x - lr * g / (Math.sqrt(sum) + eps);
            assertEquals(x, got[t], TOL, "step " + (t + 1));
        }
        // G1 = 4: x1 = 0.1 * 2 / (2 + 1e-8); then g1 = -1.8, G2 = 7.24, x2 = x1 + 0.18 / sqrt(7.24)
        assertEquals(0.0999999995, got[0], 1e-12);
        assertEquals(0.1 + 0.18 / Math.sqrt(7.24), got[1], 1e-9);
    }
}
