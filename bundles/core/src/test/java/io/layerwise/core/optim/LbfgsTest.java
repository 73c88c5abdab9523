package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * L-BFGS (float64, m = 10) on problems whose minimum is known: the Rosenbrock function from its classic start, in 2
 * and 10 dimensions, and an ill-conditioned convex quadratic. Measured here against scipy 1.17's L-BFGS-B with the
 * same m and tolerances ({@code tools/lbfgs-reference/problems.py}): 2-D Rosenbrock 37 iterations / 46 evaluations
 * (scipy 38 / 46), 10-D 81 / 97 (scipy 78 / 96), the quadratic (50-D, eigenvalues 1 to 1000, gradient tolerance
 * 1e-7) 292 / 304 (scipy 292 / 304 on its own random rotation of the same spectrum). The bounds leave a margin of
 * about a fifth to a half, so a lost curvature pair or a broken line search fails them.
 */
class LbfgsTest {

    /** A problem on one float64 row vector: {@code f(x)} returned, {@code g} written. */
    static final class Problem implements AutoCloseable {
        final INDArray x;
        final INDArray g;
        final BiFunction<double[], double[], Double> f;
        int evaluations;

        Problem(double[] start, BiFunction<double[], double[], Double> f) {
            this.x = Nd4j.create(start.clone(), new long[] {1, start.length}, DataType.DOUBLE);
            this.g = Nd4j.zeros(DataType.DOUBLE, 1, start.length);
            this.f = f;
        }

        double evaluate() {
            evaluations++;
            double[] v = x.toDoubleVector();
            double[] grad = new double[v.length];
            double value = f.apply(v, grad);
            g.assign(Nd4j.create(grad, new long[] {1, grad.length}, DataType.DOUBLE));
            return value;
        }

        /** Iterates until the optimizer stops or {@code max} iterations; returns the iterations taken. */
        int run(Lbfgs o, int max) {
            for (int k = 1; k <= max; k++) {
                Lbfgs.Iteration it = o.iterate(List.of(x), List.of(g), this::evaluate);
                if (it.stop() != null) {
                    assertTrue(it.stop().startsWith("converged"), it.stop());
                    return k;
                }
            }
            return max;
        }

        @Override
        public void close() {
            x.close();
            g.close();
        }
    }

    /** Chained Rosenbrock {@code sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2}, minimum 0 at all ones. */
    static double rosenbrock(double[] x, double[] g) {
        double f = 0;
        java.util.Arrays.fill(g, 0);
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            f += 100 * a * a + b * b;
            g[i] += -400 * a * x[i] - 2 * b;
            g[i + 1] += 200 * a;
        }
        return f;
    }

    static Lbfgs lbfgs(double gtol, double ftol, int n) {
        return new Lbfgs.Options(10, gtol, ftol, 20).create(List.of(Nd4j.zeros(DataType.DOUBLE, 1, n)), new Schedule.Constant());
    }

    @Test
    void rosenbrockFromTheClassicStartReachesTheMinimum() {
        try (Problem p = new Problem(new double[] {-1.2, 1}, LbfgsTest::rosenbrock)) {
            Lbfgs o = lbfgs(1e-8, 0, 2);
            int k = p.run(o, 80);
            double[] x = p.x.toDoubleVector();
            assertEquals(1, x[0], 1e-6, "after " + k + " iterations");
            assertEquals(1, x[1], 1e-6, "after " + k + " iterations");
            assertTrue(k <= 50, k + " iterations");
            assertTrue(p.evaluations <= 60, p.evaluations + " evaluations");
            assertEquals(k, o.steps());
        }
    }

    @Test
    void tenDimensionalRosenbrockReachesAllOnes() {
        double[] start = new double[10];
        for (int i = 0; i < start.length; i++) {
            start[i] = i % 2 == 0 ? -1.2 : 1;
        }
        try (Problem p = new Problem(start, LbfgsTest::rosenbrock)) {
            int k = p.run(lbfgs(1e-8, 0, 10), 200);
            for (double v : p.x.toDoubleVector()) {
                assertEquals(1, v, 1e-6, "after " + k + " iterations");
            }
            assertTrue(k <= 110, k + " iterations");
        }
    }

    /**
     * {@code f = 1/2 (x - c)^T A (x - c)} with {@code A = Q diag(1 .. 1000) Q^T} (Q orthogonal, from a seeded Householder
     * product), minimum 0 at {@code c}, reached to 1e-6.
     */
    @Test
    void illConditionedQuadraticReachesItsKnownMinimum() {
        int n = 50;
        SplittableRandom rng = new SplittableRandom(7);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = Math.pow(1000, i / (double) (n - 1));
        }
        for (int r = 0; r < 3; r++) { // A <- H A H with a random Householder reflection H = I - 2 v v^T
            double[] v = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextDouble(-1, 1);
                norm += v[i] * v[i];
            }
            for (int i = 0; i < n; i++) {
                v[i] /= Math.sqrt(norm);
            }
            a = reflect(a, v);
        }
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rng.nextDouble(-2, 2);
        }
        double[][] m = a;
        try (Problem p = new Problem(new double[n], (x, g) -> {
            double f = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += m[i][j] * (x[j] - c[j]);
                }
                g[i] = s;
                f += 0.5 * (x[i] - c[i]) * s;
            }
            return f;
        })) {
            int k = p.run(lbfgs(1e-7, 0, n), 400);
            double[] x = p.x.toDoubleVector();
            for (int i = 0; i < n; i++) {
                assertEquals(c[i], x[i], 1e-6, "x_" + i + " after " + k + " iterations");
            }
            assertTrue(k <= 350, k + " iterations");
        }
    }

    private static double[][] reflect(double[][] a, double[] v) {
        int n = v.length;
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j];
            }
        }
        return mul(mul(h, a), h);
    }

    private static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    @Test
    void stopsOnTheFunctionToleranceAndSaysSo() {
        try (Problem p = new Problem(new double[] {-1.2, 1}, LbfgsTest::rosenbrock)) {
            Lbfgs o = lbfgs(0, 1e-3, 2);
            String stop = null;
            int k = 0;
            while (stop == null && k < 100) {
                stop = o.iterate(List.of(p.x), List.of(p.g), p::evaluate).stop();
                k++;
            }
            assertNotNull(stop);
            assertTrue(stop.contains("functionTolerance"), stop);
            assertTrue(k < 30, k + " iterations");
        }
    }

    @Test
    void theLastEvaluationIsAtTheParametersLeftAndResetStartsAfresh() {
        double[] seen = new double[2];
        try (Problem p = new Problem(new double[] {-1.2, 1}, (x, g) -> {
            System.arraycopy(x, 0, seen, 0, 2);
            return rosenbrock(x, g);
        })) {
            Lbfgs o = lbfgs(0, 0, 2);
            for (int k = 0; k < 5; k++) {
                assertNull(o.iterate(List.of(p.x), List.of(p.g), p::evaluate).stop());
                assertEquals(p.x.getDouble(0), seen[0]);
                assertEquals(p.x.getDouble(1), seen[1]);
            }
            assertTrue(o.pairs() > 0);
            o.reset();
            assertEquals(0, o.pairs());
            assertEquals(0, o.steps());
            int before = p.evaluations;
            o.iterate(List.of(p.x), List.of(p.g), p::evaluate);
            assertTrue(p.evaluations - before >= 2, "a reset optimizer evaluates the start again");
        }
    }

    @Test
    void refusesMinibatchSteps() {
        Lbfgs o = lbfgs(0, 0, 2);
        assertThrows(UnsupportedOperationException.class, () -> o.step(List.of(), List.of()));
        assertTrue(o.plainRate().isEmpty());
    }
}
