package io.layerwise.model.whitening.internal;

import io.layerwise.api.spec.Range;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;

/**
 * The fields of a whitening stage. {@code epsilon} (default 0.1, {@code >= 0}) regularises the small variances:
 * component i is scaled by {@code (D_i + epsilon)^(-1/2)}. PCA only: either {@code components} k in [1, n] or
 * {@code retainedVariance} r in (0, 1] (the fewest leading components whose eigenvalues sum to at least r of the
 * total); all n components when neither is given. {@code eigensolver}: the precision of the eigendecomposition
 * ({@link Eigensolver}).
 *
 * @param components       k, or 0 when {@code retainedVariance} picks k at fit time
 * @param retainedVariance r, or NaN when k is fixed
 */
record WhiteningOptions(Kind kind, double epsilon, int components, double retainedVariance, Eigensolver eigensolver) {
    static final double DEFAULT_EPSILON = 0.1;
    static final Range RETAINED = new Range(0, false, 1, true);
    /** float32's unit round-off, 2^-24. */
    static final double FLOAT32_ROUNDOFF = 0x1p-24;
    /** The largest estimated relative error of a ZCA transform that {@code auto} accepts from a float32 solve. */
    static final double FLOAT32_ZCA_ERROR = 1e-4;

    /** The two stage types: rotate into the eigenbasis (PCA) or rotate back (ZCA). */
    enum Kind {
        PCA, ZCA;

        String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The precision of the symmetric eigensolver. {@code auto}: float64 ({@code dsyevd}), except for a ZCA fit whose
     * float32 solve ({@code ssyevd}, about 0.65 of the time at n = 666) is estimated to move P by at most
     * {@link #FLOAT32_ZCA_ERROR} relative ({@link #solvesInFloat32}). PCA's rows are single eigenvectors, whose
     * accuracy depends on the gaps between eigenvalues rather than on epsilon, so {@code auto} keeps float64 for PCA.
     */
    enum Eigensolver {
        AUTO, FLOAT32, FLOAT64;

        String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    WhiteningOptions {
        java.util.Objects.requireNonNull(eigensolver, "eigensolver");
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
        return new WhiteningOptions(Kind.ZCA, epsilon, inputs, Double.NaN, Eigensolver.AUTO);
    }

    static WhiteningOptions pca(double epsilon, int components) {
        return new WhiteningOptions(Kind.PCA, epsilon, components, Double.NaN, Eigensolver.AUTO);
    }

    static WhiteningOptions pcaRetaining(double epsilon, double retainedVariance) {
        return new WhiteningOptions(Kind.PCA, epsilon, 0, retainedVariance, Eigensolver.AUTO);
    }

    WhiteningOptions with(Eigensolver solver) {
        return new WhiteningOptions(kind, epsilon, components, retainedVariance, solver);
    }

    /**
     * Whether the m x m covariance block with Frobenius norm {@code frobenius} is solved in float32. For {@code auto}:
     * a backward-stable solver returns the decomposition of {@code C + dC} with {@code |dC|} about
     * {@code u sqrt(m) |C|}, and {@code P = (C + eps I)^(-1/2)} then moves by at most {@code 0.5 |dC| / eps} relative
     * to {@code |P|}; float32 (u = 2^-24) when that bound, with the Frobenius norm for {@code |C|}, is at most
     * {@link #FLOAT32_ZCA_ERROR}. MNIST at eps 0.1: 7.5e-5, float32 (measured: 1.0e-5 of {@code |P|}); at eps 0.01
     * and below float64. The bound is of the order of the worst-case rounding of the float32 product
     * {@code P (x - mu)} that applies P ({@code n u} = 4.7e-5 at n = 784), and far below the sampling error of a
     * covariance estimated from N rows (about {@code sqrt(2 / N)}).
     */
    boolean solvesInFloat32(double frobenius, int m) {
        return switch (eigensolver) {
            case FLOAT32 -> true;
            case FLOAT64 -> false;
            case AUTO -> kind == Kind.ZCA && float32Error(frobenius, m) <= FLOAT32_ZCA_ERROR;
        };
    }

    /** The bound on a ZCA transform's relative error from a float32 solve ({@link #solvesInFloat32}); inf at eps 0. */
    double float32Error(double frobenius, int m) {
        return 0.5 * Math.sqrt(m) * FLOAT32_ROUNDOFF * frobenius / epsilon;
    }

    /** Reads a stage's fields for {@code inputs} inputs; a bad value throws a {@link SpecException} naming its path. */
    static WhiteningOptions read(Spec spec, Kind kind, int inputs) {
        WhiteningOptions shape = readShape(spec, kind, inputs);
        return shape.with(Eigensolver.valueOf(spec.choice("eigensolver", "auto", "auto", "float32", "float64")
                .toUpperCase(java.util.Locale.ROOT)));
    }

    private static WhiteningOptions readShape(Spec spec, Kind kind, int inputs) {
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
