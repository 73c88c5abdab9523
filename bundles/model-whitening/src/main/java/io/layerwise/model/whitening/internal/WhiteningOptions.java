package io.layerwise.model.whitening.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;

/**
 * The fields of a whitening stage. {@code epsilon} (default 0.1, {@code >= 0}) regularises the small variances:
 * component i is scaled by {@code (D_i + epsilon)^(-1/2)}. PCA only: either {@code components} k in [1, n] or
 * {@code retainedVariance} r in (0, 1] (the fewest leading components whose eigenvalues sum to at least r of the
 * total); all n components when neither is given.
 *
 * @param components       k, or 0 when {@code retainedVariance} picks k at fit time
 * @param retainedVariance r, or NaN when k is fixed
 */
record WhiteningOptions(Kind kind, double epsilon, int components, double retainedVariance) {
    static final double DEFAULT_EPSILON = 0.1;
    static final Range RETAINED = new Range(0, false, 1, true);

    /** The two stage types: rotate into the eigenbasis (PCA) or rotate back (ZCA). */
    enum Kind {
        PCA, ZCA;

        String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    WhiteningOptions {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be in [0, inf), got " + epsilon);
        }
        boolean byCount = components > 0 && Double.isNaN(retainedVariance);
        boolean byVariance = components == 0 && RETAINED.contains(retainedVariance);
        if (!byCount && !byVariance) {
            throw new IllegalArgumentException("give components >= 1 or retainedVariance in (0, 1], got " + components
                    + " and " + retainedVariance);
        }
        if (kind == Kind.ZCA && !byCount) {
            throw new IllegalArgumentException("zca keeps every component");
        }
    }

    static WhiteningOptions zca(double epsilon, int inputs) {
        return new WhiteningOptions(Kind.ZCA, epsilon, inputs, Double.NaN);
    }

    static WhiteningOptions pca(double epsilon, int components) {
        return new WhiteningOptions(Kind.PCA, epsilon, components, Double.NaN);
    }

    static WhiteningOptions pcaRetaining(double epsilon, double retainedVariance) {
        return new WhiteningOptions(Kind.PCA, epsilon, 0, retainedVariance);
    }

    /** Reads a stage's fields for {@code inputs} inputs; a bad value throws a {@link SpecException} naming its path. */
    static WhiteningOptions read(Spec spec, Kind kind, int inputs) {
        double epsilon = spec.number("epsilon", DEFAULT_EPSILON, Range.nonNegative());
        boolean byCount = spec.has("components");
        boolean byVariance = spec.has("retainedVariance");
        if (kind == Kind.ZCA) {
            if (byCount || byVariance) {
                String key = byCount ? "components" : "retainedVariance";
                throw new SpecException(spec.pathOf(key), "applies to pca only: zca keeps all " + inputs
                        + " components (use type \"pca\" to keep fewer)");
            }
            return zca(epsilon, inputs);
        }
        if (byCount && byVariance) {
            throw new SpecException(spec.pathOf("retainedVariance"), "cannot be combined with "
                    + spec.pathOf("components") + ": give one of them (components keeps the k leading components,"
                    + " retainedVariance the fewest that keep that fraction of the variance)");
        }
        if (byVariance) {
            return pcaRetaining(epsilon, spec.number("retainedVariance", 1, RETAINED));
        }
        return pca(epsilon, spec.integer("components", inputs, 1, inputs));
    }

    /** The output width known before fitting: k, or {@code inputs} (an upper bound) when the variance picks k. */
    int plannedOutputs(int inputs) {
        return components > 0 ? components : inputs;
    }
}
