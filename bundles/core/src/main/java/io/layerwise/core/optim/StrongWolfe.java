package io.layerwise.core.optim;

/**
 * A line search for a step length {@code a > 0} along a descent direction that satisfies the strong Wolfe conditions
 * (Nocedal and Wright, Numerical Optimization, 2nd ed., algorithms 3.5 and 3.6), with {@code phi(a) = f(x + a d)}:
 * <pre>
 *   phi(a) <= phi(0) + c1 a phi'(0)          (sufficient decrease)
 *   |phi'(a)| <= c2 |phi'(0)|                (curvature)
 * </pre>
 * Bracketing quadruples the trial step until it brackets an acceptable one; {@code zoom} then takes the minimiser of the
 * cubic through the bracket's ends (kept at least a tenth of the bracket from either end, else bisection). On success
 * the accepted step is always the last one evaluated, so whatever the caller's {@link Line} keeps from its last
 * evaluation (the gradient) belongs to it.
 */
final class StrongWolfe {
    static final double C1 = 1e-4;
    static final double C2 = 0.9;
    private static final double MAX_STEP = 1e10;

    /** The function along the line. */
    interface Line {
        /** Evaluates {@code phi(a)} and {@code phi'(a)}, returned as {@code {phi, slope}}. */
        double[] at(double a);
    }

    /**
     * The outcome: {@code wolfe} when {@code step} satisfies both conditions (and was the last point evaluated);
     * otherwise {@code step} is the best point seen with sufficient decrease (0 when none), which the caller must
     * evaluate again before using what its line keeps.
     */
    record Result(double step, double value, double slope, int evaluations, boolean wolfe, boolean lastEvaluated) {
    }

    private StrongWolfe() {
    }

    /**
     * @param phi0   {@code phi(0)}
     * @param slope0 {@code phi'(0)}, negative
     * @param a1     the first trial step, positive
     * @param max    the most evaluations
     */
    static Result search(Line line, double phi0, double slope0, double a1, int max) {
        if (!(slope0 < 0)) {
            throw new IllegalArgumentException("not a descent direction: phi'(0) = " + slope0);
        }
        double aPrev = 0;
        double fPrev = phi0;
        double gPrev = slope0;
        double a = a1;
        int evals = 0;
        while (evals < max) {
            double[] v = line.at(a);
            evals++;
            double f = v[0];
            double g = v[1];
            if (!Double.isFinite(f) || !Double.isFinite(g)) { // too far: step back towards the last good point
                a = aPrev + (a - aPrev) / 10;
                continue;
            }
            if (f > phi0 + C1 * a * slope0 || (evals > 1 && f >= fPrev)) {
                return zoom(line, phi0, slope0, aPrev, fPrev, gPrev, a, f, g, evals, max);
            }
            if (Math.abs(g) <= -C2 * slope0) {
                return new Result(a, f, g, evals, true, true);
            }
            if (g >= 0) {
                return zoom(line, phi0, slope0, a, f, g, aPrev, fPrev, gPrev, evals, max);
            }
            aPrev = a;
            fPrev = f;
            gPrev = g;
            a = Math.min(4 * a, MAX_STEP); // a generous factor: few evaluations to bracket a far minimiser
        }
        return failed(aPrev, fPrev, gPrev, evals, phi0);
    }

    /** Algorithm 3.6: {@code lo} has sufficient decrease and the lowest value so far; the bracket holds a Wolfe step. */
    private static Result zoom(Line line, double phi0, double slope0, double lo, double fLo, double gLo, double hi,
            double fHi, double gHi, int evals, int max) {
        while (evals < max) {
            double a = cubic(lo, fLo, gLo, hi, fHi, gHi);
            double[] v = line.at(a);
            evals++;
            double f = v[0];
            double g = v[1];
            if (!Double.isFinite(f) || f > phi0 + C1 * a * slope0 || f >= fLo) {
                hi = a;
                fHi = Double.isFinite(f) ? f : Double.MAX_VALUE;
                gHi = Double.isFinite(g) ? g : 0;
                continue;
            }
            if (Math.abs(g) <= -C2 * slope0) {
                return new Result(a, f, g, evals, true, true);
            }
            if (g * (hi - lo) >= 0) {
                hi = lo;
                fHi = fLo;
                gHi = gLo;
            }
            lo = a;
            fLo = f;
            gLo = g;
            if (Math.abs(hi - lo) <= 1e-12 * Math.max(1, Math.abs(lo))) {
                break; // the bracket has shrunk to rounding: no better step is to be found
            }
        }
        return failed(lo, fLo, gLo, evals, phi0);
    }

    private static Result failed(double a, double f, double g, int evals, double phi0) {
        return a > 0 && f < phi0 ? new Result(a, f, g, evals, false, false) : new Result(0, phi0, 0, evals, false, false);
    }

    /**
     * The minimiser of the cubic through {@code (a, fa, ga)} and {@code (b, fb, gb)} (N&amp;W eq. 3.59), kept at least a
     * tenth of the interval from either end; the midpoint when the cubic has no minimiser there.
     */
    static double cubic(double a, double fa, double ga, double b, double fb, double gb) {
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        double margin = 0.1 * (hi - lo);
        double d1 = ga + gb - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - ga * gb;
        if (disc >= 0 && Double.isFinite(disc) && fb != Double.MAX_VALUE) {
            double d2 = Math.signum(b - a) * Math.sqrt(disc);
            double t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
            if (t >= lo + margin && t <= hi - margin) {
                return t;
            }
        }
        return (a + b) / 2;
    }
}
