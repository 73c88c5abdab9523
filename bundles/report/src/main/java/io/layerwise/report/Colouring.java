package io.layerwise.report;

import java.util.List;

/**
 * What colours the points of a latent picture: a class per point (with names, or numbers when {@code names} is
 * null), a continuous value per point (drawn in ten bands of a colour scale, each a legend entry), or nothing.
 */
public record Colouring(int[] classes, List<String> names, float[] values, String valueName) {
    public static final Colouring NONE = new Colouring(null, null, null, null);

    public Colouring {
        if (classes != null && values != null) {
            throw new IllegalArgumentException("colour by classes or by values, not both");
        }
        names = names == null ? null : List.copyOf(names);
    }

    public static Colouring byClass(int[] classes, List<String> names) {
        return classes == null ? NONE : new Colouring(classes, names, null, null);
    }

    public static Colouring byValue(float[] values, String name) {
        return values == null ? NONE : new Colouring(null, null, values, name);
    }

    /** The first {@code n} points' colouring. */
    public Colouring first(int n) {
        return new Colouring(classes == null ? null : java.util.Arrays.copyOf(classes, n), names,
                values == null ? null : java.util.Arrays.copyOf(values, n), valueName);
    }

    /** Points coloured by this: as many as there are classes or values, -1 when nothing colours them. */
    public int length() {
        return classes != null ? classes.length : values != null ? values.length : -1;
    }
}
