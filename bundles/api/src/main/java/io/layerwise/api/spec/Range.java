package io.layerwise.api.spec;

/** An interval of allowed values for {@link Spec#number}; prints as {@code (0, 1]} in error messages. */
public record Range(double min, boolean minIncluded, double max, boolean maxIncluded) {

    public static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    public static Range open(double min, double max) {
        return new Range(min, false, max, false);
    }

    /** (0, infinity): learning rates, noise levels, epsilons. */
    public static Range positive() {
        return new Range(0, false, Double.POSITIVE_INFINITY, false);
    }

    /** [0, infinity): penalty weights. */
    public static Range nonNegative() {
        return new Range(0, true, Double.POSITIVE_INFINITY, false);
    }

    /** [0, 1]. */
    public static Range probability() {
        return closed(0, 1);
    }

    public boolean contains(double v) {
        return (minIncluded ? v >= min : v > min) && (maxIncluded ? v <= max : v < max);
    }

    @Override
    public String toString() {
        return (minIncluded ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxIncluded ? "]" : ")");
    }

    private static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
