package io.layerwise.regularizers.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;

/**
 * The parameters of {@code kl-sparsity}: {@code {"name":"kl-sparsity","rho":0.05,"beta":0.1,"lambda":0.9,"epsilon":1e-6}}.
 *
 * @param rho     target mean activation of each hidden unit, in (0, 1)
 * @param beta    weight of the penalty, >= 0 (0 only monitors the activations)
 * @param lambda  decay of the running estimate {@code rho^}, in [0, 1) (0: the minibatch mean alone)
 * @param epsilon {@code rho^} is clamped to {@code [epsilon, 1 - epsilon]} before logarithms and divisions, in (0, 0.01]
 */
record KlSparsityOptions(double rho, double beta, double lambda, double epsilon) {
    static final double DEFAULT_RHO = 0.05;
    static final double DEFAULT_BETA = 0.1;
    static final double DEFAULT_LAMBDA = 0.9;
    static final double DEFAULT_EPSILON = 1e-6;
    static final Range RHO = Range.open(0, 1);
    static final Range LAMBDA = new Range(0, true, 1, false);
    static final Range EPSILON = new Range(0, false, 0.01, true);

    KlSparsityOptions {
        if (!RHO.contains(rho) || !(beta >= 0) || Double.isInfinite(beta) || !LAMBDA.contains(lambda)
                || !EPSILON.contains(epsilon) || !(epsilon < Math.min(rho, 1 - rho))) {
            throw new IllegalArgumentException("kl-sparsity needs rho in (0, 1), beta >= 0, lambda in [0, 1) and"
                    + " epsilon in (0, 0.01] below rho and 1 - rho; got rho=" + rho + ", beta=" + beta + ", lambda="
                    + lambda + ", epsilon=" + epsilon);
        }
    }

    /** Reads and validates the fields (all optional); a bad value throws naming its JSON path. */
    static KlSparsityOptions read(Spec spec) {
        double rho = spec.number("rho", DEFAULT_RHO, RHO);
        double beta = spec.number("beta", DEFAULT_BETA, Range.nonNegative());
        double lambda = spec.number("lambda", DEFAULT_LAMBDA, LAMBDA);
        double epsilon = spec.number("epsilon", DEFAULT_EPSILON, EPSILON);
        if (!(epsilon < Math.min(rho, 1 - rho))) {
            throw new io.layerwise.api.spec.SpecException(spec.pathOf("epsilon"), "must be below rho and 1 - rho ("
                    + Math.min(rho, 1 - rho) + "), got " + epsilon);
        }
        return new KlSparsityOptions(rho, beta, lambda, epsilon);
    }
}
