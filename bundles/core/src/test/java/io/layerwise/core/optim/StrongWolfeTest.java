package io.layerwise.core.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The line search's result satisfies both strong Wolfe conditions on the test functions of Moré and Thuente (1994),
 * from first steps far below and far above an acceptable one. Function 2 is the hard one: {@code phi'(0)} is
 * -5.1e-7, so the curvature condition holds only within about 2e-8 of the minimiser (18 to 30 evaluations here).
 */
class StrongWolfeTest {

    /** Moré-Thuente function 1: {@code phi(a) = -a / (a^2 + 2)}, minimum at sqrt(2). */
    static double[] f1(double a) {
        double d = a * a + 2;
        return new double[] {-a / d, (a * a - 2) / (d * d)};
    }

    /** Moré-Thuente function 2: {@code phi(a) = (a + 0.004)^5 - 2 (a + 0.004)^4}, minimum at 1.596. */
    static double[] f2(double a) {
        double b = a + 0.004;
        return new double[] {Math.pow(b, 5) - 2 * Math.pow(b, 4), 5 * Math.pow(b, 4) - 8 * Math.pow(b, 3)};
    }

    @ParameterizedTest(name = "first step {0}")
    @ValueSource(doubles = {1e-3, 1e-1, 1, 10, 1000})
    void acceptedStepsSatisfyTheStrongWolfeConditions(double a1) {
        check("f1", StrongWolfeTest::f1, a1, 12);
        check("f2", StrongWolfeTest::f2, a1, 35);
    }

    private static void check(String name, java.util.function.DoubleFunction<double[]> phi, double a1, int maxEvaluations) {
        double[] at0 = phi.apply(0);
        int[] calls = {0};
        StrongWolfe.Result r = StrongWolfe.search(a -> {
            calls[0]++;
            return phi.apply(a);
        }, at0[0], at0[1], a1, 40);
        String what = name + " from " + a1 + ": " + r;
        assertTrue(r.wolfe(), what);
        assertTrue(r.lastEvaluated(), what);
        double[] v = phi.apply(r.step());
        assertTrue(v[0] <= at0[0] + StrongWolfe.C1 * r.step() * at0[1], "sufficient decrease, " + what);
        assertTrue(Math.abs(v[1]) <= StrongWolfe.C2 * Math.abs(at0[1]), "curvature, " + what);
        assertTrue(calls[0] == r.evaluations() && r.evaluations() <= maxEvaluations, what);
    }

}
