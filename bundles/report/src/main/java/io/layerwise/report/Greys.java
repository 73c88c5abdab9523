package io.layerwise.report;

/** Maps float values to grey levels 0..255. A non-finite value (a diverged weight) is drawn black. */
final class Greys {
    private Greys() {
    }

    /**
     * Each value scaled to the range of the finite values: min -> 0, max -> 255. A constant vector has no range
     * to scale and is drawn black, as the Theano tutorials' {@code scale_to_unit_interval} draws it.
     */
    static int[] minMax(float[] v) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            if (Float.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        double range = (double) max - min;
        int[] out = new int[v.length];
        if (!(range > 0)) {
            return out;
        }
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.isFinite(v[i]) ? (int) Math.round(255 * ((v[i] - (double) min) / range)) : 0;
        }
        return out;
    }

    /** {@code length} values from {@code offset}, clamped to [0, 1], 1 -> 255. */
    static int[] unit(float[] data, int offset, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            float x = data[offset + i];
            out[i] = x > 0 ? (int) Math.round(255 * Math.min(x, 1.0)) : 0; // NaN fails x > 0: black
        }
        return out;
    }
}
